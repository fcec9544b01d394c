"""Wrong: producers and consumers wait on one Condition but are woken with notify(), which can wake a thread of the wrong kind, so the wakeup is lost and everyone waits forever.

while-loops around wait() are there; the bug is notify() vs notify_all() with ONE
condition shared by two kinds of waiters.
"""
import threading
from collections import deque


class Pipeline:
    def __init__(self, process, n_consumers=2, maxsize=4):
        if n_consumers < 1 or maxsize < 1:
            raise ValueError("n_consumers and maxsize must be >= 1")
        self._process = process
        self._max = maxsize
        self._buf = deque()
        self._cv = threading.Condition()
        self._done = False
        self._results = []
        self._errors = []
        self._threads = [threading.Thread(target=self._run) for _ in range(n_consumers)]
        for t in self._threads:
            t.start()

    def put(self, item):
        with self._cv:
            if self._done:
                raise ValueError("put() after close()")
            while len(self._buf) >= self._max:
                self._cv.wait()
            self._buf.append(item)
            self._cv.notify()        # wake one waiter (hopefully a consumer)

    def _take(self):
        with self._cv:
            while not self._buf and not self._done:
                self._cv.wait()
            if not self._buf:
                return _NOTHING
            item = self._buf.popleft()
            self._cv.notify()        # wake one waiter (hopefully a producer)
            return item

    def _run(self):
        while True:
            item = self._take()
            if item is _NOTHING:
                return
            try:
                value = self._process(item)
            except Exception as exc:
                with self._cv:
                    self._errors.append((item, exc))
            else:
                with self._cv:
                    self._results.append(value)

    def close(self):
        with self._cv:
            self._done = True
            self._cv.notify_all()
        for t in self._threads:
            t.join()
        with self._cv:
            return list(self._results), list(self._errors)


_NOTHING = object()


def run_pipeline(sources, process, n_consumers=2, maxsize=4):
    pipeline = Pipeline(process, n_consumers, maxsize)
    threads = []
    for src in sources:
        t = threading.Thread(target=lambda s=src: [pipeline.put(x) for x in s])
        threads.append(t)
        t.start()
    for t in threads:
        t.join()
    return pipeline.close()
