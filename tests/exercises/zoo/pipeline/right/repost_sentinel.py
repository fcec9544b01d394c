"""Queue, one sentinel put back by each consumer: a bounded queue.Queue and one sentinel, which each consumer puts back for the next one
before it stops."""
import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable, Iterable
from typing import Any

STOP = object()


class Pipeline:
    def __init__(self, process: Callable[[Any], Any], n_consumers: int = 2, maxsize: int = 4) -> None:
        if not (n_consumers >= 1 and maxsize >= 1):
            raise ValueError("bad arguments")
        self._process = process
        self._queue = queue.Queue(maxsize=maxsize)
        self._closing = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=n_consumers, thread_name_prefix="consumer")
        self._futures = [self._pool.submit(self._consume) for _ in range(n_consumers)]
        self._outcome = None

    def put(self, item: Any) -> None:
        if self._closing.is_set():
            raise ValueError("put() after close()")
        self._queue.put(item)

    def close(self):
        if not self._closing.is_set():
            self._closing.set()
            self._queue.put(STOP)          # the first consumer to see it puts it back for the next one
            results, errors = [], []
            for future in self._futures:
                r, e = future.result()
                results.extend(r)
                errors.extend(e)
            self._pool.shutdown(wait=True)
            self._outcome = (results, errors)
        return list(self._outcome[0]), list(self._outcome[1])

    def _consume(self):
        mine, failed = [], []                 # each consumer keeps its own lists: nothing shared
        while True:
            item = self._queue.get()
            if item is STOP:
                self._queue.put(STOP)         # pass the sentinel on
                return mine, failed
            try:
                mine.append(self._process(item))
            except Exception as exc:
                failed.append((item, exc))


def run_pipeline(sources: list[Iterable[Any]], process, n_consumers: int = 2, maxsize: int = 4):
    pipeline = Pipeline(process, n_consumers, maxsize)
    with ThreadPoolExecutor(max_workers=max(1, len(sources))) as producers:
        futures = [producers.submit(lambda s=s: [pipeline.put(x) for x in s]) for s in sources]
        for f in futures:
            f.result()
    return pipeline.close()
