"""One Condition on an RLock, taken with explicit acquire()/release() in try/finally, guards a plain list buffer; notify_all() wakes producers and consumers alike.

I used a single condition variable for both "not full" and "not empty". That only works
if everybody wakes up on every change (notify_all) and re-checks in a while loop, which
is what I do. Slower than two conditions but easier to get right.
"""
import threading


class Pipeline:
    def __init__(self, process, n_consumers=2, maxsize=4):
        # check first so no thread gets started for bad arguments
        if n_consumers < 1 or maxsize < 1:
            raise ValueError(f"bad arguments: n_consumers={n_consumers}, maxsize={maxsize}")
        self.process = process
        self.maxsize = maxsize
        self.buffer = []
        self.cond = threading.Condition(threading.RLock())
        self.results = []
        self.errors = []
        self.closed = False
        self.threads = []
        for i in range(n_consumers):
            t = threading.Thread(target=self.consumer_loop, name="consumer%d" % i)
            self.threads.append(t)
            t.start()

    def put(self, item):
        self.cond.acquire()
        try:
            if self.closed:
                raise ValueError("can't put into a closed pipeline")
            while len(self.buffer) >= self.maxsize:
                self.cond.wait()
            self.buffer.append(item)
            self.cond.notify_all()
        finally:
            self.cond.release()

    def next_item(self):
        """Returns (True, item), or (False, None) when closed and drained."""
        self.cond.acquire()
        try:
            while len(self.buffer) == 0:
                if self.closed:
                    return False, None
                self.cond.wait()
            item = self.buffer.pop(0)
            self.cond.notify_all()  # a producer may be waiting for room
            return True, item
        finally:
            self.cond.release()

    def consumer_loop(self):
        while True:
            ok, item = self.next_item()
            if not ok:
                return
            # process() runs WITHOUT the lock held
            try:
                res = self.process(item)
                failed = None
            except Exception as e:
                failed = e
            self.cond.acquire()
            try:
                if failed is None:
                    self.results.append(res)
                else:
                    self.errors.append((item, failed))
            finally:
                self.cond.release()

    def close(self):
        self.cond.acquire()
        try:
            self.closed = True
            self.cond.notify_all()
        finally:
            self.cond.release()
        for t in self.threads:
            t.join()   # joining a finished thread again is fine, so close() twice works
        self.cond.acquire()
        try:
            return list(self.results), list(self.errors)
        finally:
            self.cond.release()


def run_pipeline(sources, process, n_consumers=2, maxsize=4):
    pipeline = Pipeline(process, n_consumers=n_consumers, maxsize=maxsize)

    def producer(src):
        for thing in src:
            pipeline.put(thing)

    workers = []
    for src in sources:
        w = threading.Thread(target=producer, args=(src,))
        w.start()
        workers.append(w)
    for w in workers:
        w.join()
    return pipeline.close()
