"""Consumers run as long-lived tasks of a ThreadPoolExecutor on a LifoQueue; close() first waits for queue.join(), so the stop markers can't overtake items.

A LIFO queue hands out the newest item first, which is fine since results may come in
any order -- but it also means a stop marker put while items are still waiting would be
taken FIRST. So close() waits until every item is task_done() before it sends them.
"""
import queue
import threading
from concurrent.futures import ThreadPoolExecutor

_DONE = object()


class Pipeline:
    def __init__(self, process, n_consumers=2, maxsize=4):
        if not (isinstance(n_consumers, int) and n_consumers >= 1):
            raise ValueError("need at least 1 consumer")
        if not (isinstance(maxsize, int) and maxsize >= 1):
            raise ValueError("need maxsize >= 1")
        self._process = process
        self._q = queue.LifoQueue(maxsize=maxsize)
        self._results = []
        self._errors = []
        self._guard = threading.Lock()
        self._closed = False
        self._answer = None
        self._n = n_consumers
        # one pool thread per consumer; each runs _consume until it sees _DONE
        self._pool = ThreadPoolExecutor(max_workers=n_consumers, thread_name_prefix="consumer")
        self._futures = [self._pool.submit(self._consume) for _ in range(n_consumers)]

    def _consume(self):
        while True:
            item = self._q.get()
            try:
                if item is _DONE:
                    return
                try:
                    r = self._process(item)
                except Exception as err:
                    with self._guard:
                        self._errors.append((item, err))
                else:
                    with self._guard:
                        self._results.append(r)
            finally:
                self._q.task_done()

    def put(self, item):
        if self._closed:
            raise ValueError("closed")
        self._q.put(item)

    def close(self):
        with self._guard:
            first_time = not self._closed
            self._closed = True
        if first_time:
            self._q.join()              # every item taken AND processed
            for _ in range(self._n):
                self._q.put(_DONE)      # the queue is empty now, so LIFO doesn't matter
            self._pool.shutdown(wait=True)   # joins the pool threads
            for f in self._futures:
                f.result()              # would re-raise a bug in _consume
            with self._guard:
                self._answer = (list(self._results), list(self._errors))
        else:
            self._pool.shutdown(wait=True)
        return list(self._answer[0]), list(self._answer[1])


def run_pipeline(sources, process, n_consumers=2, maxsize=4):
    p = Pipeline(process, n_consumers, maxsize)

    def feed(src):
        for x in src:
            p.put(x)

    # one producer thread per source; max_workers can't be 0
    with ThreadPoolExecutor(max_workers=max(1, len(sources)), thread_name_prefix="producer") as producers:
        futs = [producers.submit(feed, s) for s in sources]
    for f in futs:
        f.result()
    return p.close()
