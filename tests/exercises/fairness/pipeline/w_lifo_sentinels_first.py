"""Wrong: the buffer is a LifoQueue, so the stop sentinels close() puts last are taken first and items still waiting in the queue are never processed.

(Student's note: "results can come in any order, so I used a LIFO queue -- newest
work first is better for cache locality.")
"""
import queue
import threading

SENTINEL = object()


class Pipeline:
    def __init__(self, process, n_consumers=2, maxsize=4):
        if n_consumers < 1 or maxsize < 1:
            raise ValueError("n_consumers and maxsize must both be at least 1")
        self.process = process
        self.stack = queue.LifoQueue(maxsize)
        self.lock = threading.Lock()
        self.results = []
        self.errors = []
        self.closed = False
        self.consumers = [threading.Thread(target=self.consume) for _ in range(n_consumers)]
        for t in self.consumers:
            t.start()

    def consume(self):
        while True:
            item = self.stack.get()
            if item is SENTINEL:
                return
            try:
                r = self.process(item)
            except Exception as e:
                with self.lock:
                    self.errors.append((item, e))
            else:
                with self.lock:
                    self.results.append(r)

    def put(self, item):
        if self.closed:
            raise ValueError("closed")
        self.stack.put(item)

    def close(self):
        if not self.closed:
            self.closed = True
            for _ in self.consumers:
                self.stack.put(SENTINEL)
        for t in self.consumers:
            t.join()
        with self.lock:
            return list(self.results), list(self.errors)


def run_pipeline(sources, process, n_consumers=2, maxsize=4):
    p = Pipeline(process, n_consumers, maxsize)

    def produce(src):
        for it in src:
            p.put(it)

    ts = [threading.Thread(target=produce, args=(s,)) for s in sources]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return p.close()
