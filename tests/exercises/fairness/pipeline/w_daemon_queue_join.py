"""Wrong: close() waits with queue.join() for every item to be processed but never stops the daemon consumers, which stay alive blocked in get().

Pattern from the queue module docs: daemon workers + task_done() + q.join().
"""
import queue
import threading


class Pipeline:
    def __init__(self, process, n_consumers=2, maxsize=4):
        if n_consumers < 1:
            raise ValueError("n_consumers must be positive")
        if maxsize < 1:
            raise ValueError("maxsize must be positive")
        self.process = process
        self.q = queue.Queue(maxsize)
        self.results = []
        self.errors = []
        self.lock = threading.Lock()
        self.closed = False
        for n in range(n_consumers):
            # daemon: the program can exit even though these loop forever
            threading.Thread(target=self.worker, daemon=True, name=f"worker-{n}").start()

    def worker(self):
        while True:
            item = self.q.get()
            try:
                result = self.process(item)
                with self.lock:
                    self.results.append(result)
            except Exception as e:
                with self.lock:
                    self.errors.append((item, e))
            finally:
                self.q.task_done()

    def put(self, item):
        if self.closed:
            raise ValueError("Pipeline is closed")
        self.q.put(item)

    def close(self):
        self.closed = True
        self.q.join()   # blocks until every item has been task_done()'d
        with self.lock:
            return list(self.results), list(self.errors)


def run_pipeline(sources, process, n_consumers=2, maxsize=4):
    pipeline = Pipeline(process, n_consumers, maxsize)
    producers = []
    for source in sources:
        t = threading.Thread(target=lambda s=source: [pipeline.put(x) for x in s])
        t.start()
        producers.append(t)
    for t in producers:
        t.join()
    return pipeline.close()
