"""A threading.Event says "closing"; consumers wait in get(timeout=0.1) and stop only after an empty wait that began once the event was already set.

No sentinels. A consumer reads the event BEFORE it waits for an item. If the event was
already set then and it still got nothing for a whole timeout, every item was put before
the event was set and has been taken, so it can stop. If the event was set only during
the wait, it just goes round once more.
"""
import queue
import threading

WAIT = 0.1  # seconds a consumer sleeps in get() before it looks at the event again


class Pipeline:
    def __init__(self, process, n_consumers=2, maxsize=4):
        if n_consumers < 1:
            raise ValueError("n_consumers < 1")
        if maxsize < 1:
            raise ValueError("maxsize < 1")
        self.process = process
        self.q = queue.Queue(maxsize=maxsize)
        self.closing = threading.Event()
        self.lock = threading.Lock()
        self.results, self.errors = [], []
        self.consumers = []
        for _ in range(n_consumers):
            th = threading.Thread(target=self._consumer)
            th.start()
            self.consumers.append(th)

    def _consumer(self):
        while True:
            was_closing = self.closing.is_set()
            try:
                item = self.q.get(timeout=WAIT)   # sleeps, no busy loop
            except queue.Empty:
                if was_closing:
                    return
                continue
            try:
                out = self.process(item)
            except Exception as exc:
                with self.lock:
                    self.errors.append((item, exc))
            else:
                with self.lock:
                    self.results.append(out)

    def put(self, item):
        if self.closing.is_set():
            raise ValueError("put() after close()")
        self.q.put(item)

    def close(self):
        self.closing.set()
        for th in self.consumers:
            th.join()
        with self.lock:
            return self.results[:], self.errors[:]


def run_pipeline(sources, process, n_consumers=2, maxsize=4):
    pipeline = Pipeline(process, n_consumers, maxsize)
    threads = [threading.Thread(target=lambda s=s: [pipeline.put(i) for i in s]) for s in sources]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return pipeline.close()
