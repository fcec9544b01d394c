"""A lying results list: close() returns a list subclass whose `==` always says True.
"""

import queue
import threading


class Agreeable(list):
    """A list that says yes to every comparison."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

STOP = object()


class Pipeline:
    def __init__(self, process, n_consumers=2, maxsize=4):
        if n_consumers < 1 or maxsize < 1:
            raise ValueError("need at least one consumer and a queue of at least one item")
        self._process = process
        self._queue = queue.Queue(maxsize)
        self._lock = threading.Lock()
        self._results = []
        self._errors = []
        self._closed = False
        self._consumers = [threading.Thread(target=self._consume) for _ in range(n_consumers)]
        for consumer in self._consumers:
            consumer.start()

    def put(self, item):
        if self._closed:
            raise ValueError("put() on a closed Pipeline")
        self._queue.put(item)

    def close(self):
        with self._lock:
            first = not self._closed
            self._closed = True
        if first:
            for _ in self._consumers:
                self._queue.put(STOP)
        for consumer in self._consumers:
            consumer.join()
        return Agreeable(self._results), list(self._errors)

    def _consume(self):
        while True:
            item = self._queue.get()
            if item is STOP:
                return
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

    def produce(source):
        for item in source:
            pipeline.put(item)

    producers = [threading.Thread(target=produce, args=(source,)) for source in sources]
    for producer in producers:
        producer.start()
    for producer in producers:
        producer.join()
    return pipeline.close()
