"""A second close() sends the stop signals again: with more consumers than the queue holds, nobody takes them and it waits for room for ever."""

import queue
import threading

STOP = object()


class Pipeline:
    def __init__(self, process, n_consumers=2, maxsize=4):
        if n_consumers < 1 or maxsize < 1:
            raise ValueError("n_consumers and maxsize must be at least 1")
        self._process = process
        self._q = queue.Queue(maxsize)
        self._lock = threading.Lock()
        self._results = []
        self._errors = []
        self._closed = False
        self._threads = [threading.Thread(target=self._consume) for _ in range(n_consumers)]
        for t in self._threads:
            t.start()

    def put(self, item):
        if self._closed:
            raise ValueError("pipeline is closed")
        self._q.put(item)

    def close(self):
        self._closed = True
        for _ in self._threads:
            self._q.put(STOP)
        for t in self._threads:
            t.join()
        with self._lock:
            return list(self._results), list(self._errors)

    def _consume(self):
        while True:
            item = self._q.get()
            if item is STOP:
                return
            try:
                r = self._process(item)
            except Exception as e:
                with self._lock:
                    self._errors.append((item, e))
            else:
                with self._lock:
                    self._results.append(r)


def run_pipeline(sources, process, n_consumers=2, maxsize=4):
    p = Pipeline(process, n_consumers, maxsize)
    producers = [threading.Thread(target=lambda s=s: [p.put(x) for x in s]) for s in sources]
    for t in producers:
        t.start()
    for t in producers:
        t.join()
    return p.close()
