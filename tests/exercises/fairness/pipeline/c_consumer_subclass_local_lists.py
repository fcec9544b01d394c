"""Consumers subclass threading.Thread and keep their own results lists, merged by close() after joining them (no lock at all).

Each Consumer only ever touches its own two lists, so there is no shared state to
protect: close() puts one stop marker per consumer, joins them, and only then reads
their lists. The queue is `from queue import Queue` with maxsize, so put() blocks.
"""
import threading
from queue import Queue


class _StopMarker:
    """Nobody outside this module can make one, so it can't be confused with an item."""

    def __repr__(self):
        return "<stop>"


class Consumer(threading.Thread):
    def __init__(self, work_queue, process, number):
        super().__init__(name=f"consumer-{number}")
        self.work_queue = work_queue
        self.process = process
        self.my_results = []   # only this thread appends here
        self.my_errors = []

    def run(self):
        while True:
            item = self.work_queue.get()   # blocks while empty
            if isinstance(item, _StopMarker):
                break
            try:
                value = self.process(item)
            except Exception as e:
                self.my_errors.append((item, e))
            else:
                self.my_results.append(value)


class Pipeline:
    def __init__(self, process, n_consumers=2, maxsize=4):
        if n_consumers < 1:
            raise ValueError("n_consumers must be >= 1")
        if maxsize < 1:
            raise ValueError("maxsize must be >= 1")
        self.work_queue = Queue(maxsize)
        self.consumers = [Consumer(self.work_queue, process, i) for i in range(n_consumers)]
        self.is_closed = False
        self.outcome = None
        self.close_lock = threading.Lock()
        for c in self.consumers:
            c.start()

    def put(self, item):
        if self.is_closed:
            raise ValueError("pipeline already closed")
        self.work_queue.put(item)

    def close(self):
        with self.close_lock:   # so two close() calls at once don't both send markers
            if self.outcome is None:
                self.is_closed = True
                for _ in self.consumers:
                    self.work_queue.put(_StopMarker())
                for c in self.consumers:
                    c.join()
                # every consumer is finished: reading their lists is safe now
                results, errors = [], []
                for c in self.consumers:
                    results.extend(c.my_results)
                    errors.extend(c.my_errors)
                self.outcome = (results, errors)
            return list(self.outcome[0]), list(self.outcome[1])


class Producer(threading.Thread):
    def __init__(self, pipeline, source):
        super().__init__()
        self.pipeline = pipeline
        self.source = source

    def run(self):
        for item in self.source:
            self.pipeline.put(item)


def run_pipeline(sources, process, n_consumers=2, maxsize=4):
    pipe = Pipeline(process, n_consumers, maxsize)
    producers = [Producer(pipe, s) for s in sources]
    for p in producers:
        p.start()
    for p in producers:
        p.join()
    return pipe.close()
