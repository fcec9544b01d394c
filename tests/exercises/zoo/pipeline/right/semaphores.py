"""Semaphore: the textbook bounded buffer (free places, filled places, a lock around the deque).

One sentinel per consumer stops them.
"""

import threading
from collections import deque

_END = object()


class Pipeline:
    def __init__(self, process, n_consumers=2, maxsize=4):
        if n_consumers < 1:
            raise ValueError("at least one consumer")
        if maxsize < 1:
            raise ValueError("the buffer needs at least one place")
        self.process = process
        self.items = deque()
        self.mutex = threading.Lock()
        self.free = threading.Semaphore(maxsize)
        self.filled = threading.Semaphore(0)
        self.results, self.errors = [], []
        self.closed = False
        self.workers = []
        for _ in range(n_consumers):
            worker = threading.Thread(target=self._work, daemon=True)
            worker.start()
            self.workers.append(worker)

    def _push(self, item):
        self.free.acquire()  # sleeps while every place is taken
        with self.mutex:
            self.items.append(item)
        self.filled.release()

    def put(self, item):
        if self.closed:
            raise ValueError("closed")
        self._push(item)

    def close(self):
        if not self.closed:
            self.closed = True
            for _ in self.workers:
                self._push(_END)
            for worker in self.workers:
                worker.join()
        return list(self.results), list(self.errors)

    def _work(self):
        while True:
            self.filled.acquire()  # sleeps until an item is there
            with self.mutex:
                item = self.items.popleft()
            self.free.release()
            if item is _END:
                break
            try:
                value = self.process(item)
            except Exception as error:
                self.errors.append((item, error))  # list.append is one atomic step
            else:
                self.results.append(value)


def run_pipeline(sources, process, n_consumers=2, maxsize=4):
    pipeline = Pipeline(process, n_consumers, maxsize)
    feeders = []
    for source in sources:
        feeder = threading.Thread(target=lambda src=source: [pipeline.put(x) for x in src])
        feeder.start()
        feeders.append(feeder)
    for feeder in feeders:
        feeder.join()
    return pipeline.close()
