"""Wrong: each consumer keeps the item it is working on in self.current, an attribute shared by all consumers, so a failure is reported with another consumer's item.

"""
import queue
import threading

_END = object()


class Pipeline:
    def __init__(self, process, n_consumers=2, maxsize=4):
        if n_consumers < 1 or maxsize < 1:
            raise ValueError("invalid pipeline size")
        self.process = process
        self.q = queue.Queue(maxsize=maxsize)
        self.results = []
        self.errors = []
        self.current = None
        self._closed = False
        self.workers = []
        for _ in range(n_consumers):
            w = threading.Thread(target=self.work)
            w.start()
            self.workers.append(w)

    def work(self):
        while True:
            self.current = self.q.get()
            if self.current is _END:
                break
            try:
                self.results.append(self.process(self.current))
            except Exception as ex:
                # remember which item failed
                self.errors.append((self.current, ex))

    def put(self, item):
        if self._closed:
            raise ValueError("closed")
        self.q.put(item)

    def close(self):
        if not self._closed:
            self._closed = True
            for _ in self.workers:
                self.q.put(_END)
            for w in self.workers:
                w.join()
        return list(self.results), list(self.errors)


def run_pipeline(sources, process, n_consumers=2, maxsize=4):
    pipe = Pipeline(process, n_consumers, maxsize)
    feeders = [threading.Thread(target=lambda src=src: [pipe.put(i) for i in src]) for src in sources]
    for f in feeders:
        f.start()
    for f in feeders:
        f.join()
    return pipe.close()
