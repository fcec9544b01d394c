"""Wrong: run_pipeline starts ONE producer thread that reads the sources one after another, so the sources are never fed at the same time.

Everything in Pipeline itself is fine (bounded queue, one sentinel per consumer).
"""
import queue
import threading

STOP = object()


class Pipeline:
    def __init__(self, process, n_consumers=2, maxsize=4):
        if n_consumers < 1:
            raise ValueError("need a consumer")
        if maxsize < 1:
            raise ValueError("need room for one item")
        self.process = process
        self.q = queue.Queue(maxsize)
        self.lock = threading.Lock()
        self.results, self.errors = [], []
        self.closed = False
        self.consumers = []
        for _ in range(n_consumers):
            t = threading.Thread(target=self.consume)
            t.start()
            self.consumers.append(t)

    def consume(self):
        while (item := self.q.get()) is not STOP:
            try:
                value = self.process(item)
            except Exception as e:
                with self.lock:
                    self.errors.append((item, e))
                continue
            with self.lock:
                self.results.append(value)

    def put(self, item):
        if self.closed:
            raise ValueError("closed")
        self.q.put(item)

    def close(self):
        with self.lock:
            first, self.closed = not self.closed, True
        if first:
            for _ in self.consumers:
                self.q.put(STOP)
        for t in self.consumers:
            t.join()
        with self.lock:
            return list(self.results), list(self.errors)


def run_pipeline(sources, process, n_consumers=2, maxsize=4):
    pipeline = Pipeline(process, n_consumers, maxsize)

    def producer():
        # one thread is enough to keep the consumers busy
        for source in sources:
            for item in source:
                pipeline.put(item)

    t = threading.Thread(target=producer)
    t.start()
    t.join()
    return pipeline.close()
