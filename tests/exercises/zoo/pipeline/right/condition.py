"""Condition: a deque guarded by two Conditions on one lock (not empty, not full).

A closed flag tells the consumers to stop once the deque is empty.
"""

import threading
from collections import deque


class Pipeline:
    def __init__(self, process, n_consumers=2, maxsize=4):
        if n_consumers < 1 or maxsize < 1:
            raise ValueError("need at least one consumer and a queue of at least one item")
        self._process = process
        self._maxsize = maxsize
        self._buffer = deque()
        self._lock = threading.Lock()
        self._not_empty = threading.Condition(self._lock)
        self._not_full = threading.Condition(self._lock)
        self._results = []
        self._errors = []
        self._closed = False
        self._consumers = [threading.Thread(target=self._consume) for _ in range(n_consumers)]
        for consumer in self._consumers:
            consumer.start()

    def put(self, item):
        with self._lock:
            if self._closed:
                raise ValueError("put() on a closed Pipeline")
            while len(self._buffer) >= self._maxsize:
                self._not_full.wait()
            self._buffer.append(item)
            self._not_empty.notify()  # wake one consumer

    def close(self):
        with self._lock:
            self._closed = True  # instead of sentinels: every consumer sees the flag
            self._not_empty.notify_all()
        for consumer in self._consumers:
            consumer.join()
        with self._lock:
            return list(self._results), list(self._errors)

    def _consume(self):
        while True:
            with self._lock:
                while not self._buffer and not self._closed:
                    self._not_empty.wait()
                if not self._buffer:
                    return  # closed, and nothing left
                item = self._buffer.popleft()
                self._not_full.notify()  # a place is free for a waiting producer
            try:
                result = self._process(item)
            except Exception as exc:
                with self._lock:
                    self._errors.append((item, exc))
            else:
                with self._lock:
                    self._results.append(result)


def run_pipeline(sources, process, n_consumers=2, maxsize=4):
    pipeline = Pipeline(process, n_consumers, maxsize)
    producers = [threading.Thread(target=lambda s=s: [pipeline.put(item) for item in s]) for s in sources]
    for producer in producers:
        producer.start()
    for producer in producers:
        producer.join()
    return pipeline.close()
