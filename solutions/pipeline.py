"""A pipeline: producer threads hand items to consumer threads through one bounded queue.

Write ``Pipeline``, whose consumer threads process every item put into it exactly once, report an
item whose processing fails instead of dying, and all stop when it is closed; and ``run_pipeline``,
which feeds a Pipeline from several sources at once, one producer thread per source.
"""

import queue  # noqa: F401 - you will need it
import threading  # noqa: F401 - you will need it
from collections.abc import Callable, Iterable
from typing import Any

STOP = object()  # a sentinel: an object no caller can put, so it can only mean "nothing more is coming"


class Pipeline:
    """``n_consumers`` threads that call ``process`` on every item put into one queue that holds
    at most ``maxsize`` items.

    >>> pipeline = Pipeline(str.upper, n_consumers=2, maxsize=4)
    >>> pipeline.put("a"); pipeline.put("b")
    >>> results, errors = pipeline.close()   # results == ["A", "B"] (in any order), errors == []
    """

    def __init__(self, process: Callable[[Any], Any], n_consumers: int = 2, maxsize: int = 4) -> None:
        """Check the arguments (ValueError unless both are at least 1), make the queue and start the
        consumer threads."""
        ### BEGIN SOLUTION
        if n_consumers < 1:
            raise ValueError(f"a pipeline needs at least one consumer, not {n_consumers}")
        if maxsize < 1:
            raise ValueError(f"the queue must hold at least one item, not {maxsize} (0 would mean no limit)")
        self._process = process
        self._queue: queue.Queue = queue.Queue(maxsize)
        self._lock = threading.Lock()
        self._results: list[Any] = []
        self._errors: list[tuple[Any, Exception]] = []
        self._closed = False
        self._consumers = [threading.Thread(target=self._consume) for _ in range(n_consumers)]
        for consumer in self._consumers:
            consumer.start()
        ### END SOLUTION

    def put(self, item: Any) -> None:
        """Hand ``item`` to the consumers; wait while the queue is full. ValueError after close()."""
        ### BEGIN SOLUTION
        if self._closed:
            raise ValueError("put() on a closed Pipeline")
        self._queue.put(item)  # blocks while the queue is full: no busy loop
        ### END SOLUTION

    def close(self) -> tuple[list[Any], list[tuple[Any, Exception]]]:
        """Wait until every item put so far is processed and every consumer thread has stopped;
        return ``(results, errors)``: the value ``process`` returned for each item that succeeded
        (in any order), and ``(item, exception)`` for each item whose processing raised.
        Call it after every ``put`` has returned; calling it twice is allowed."""
        ### BEGIN SOLUTION
        with self._lock:
            first = not self._closed
            self._closed = True
        if first:
            for _ in self._consumers:
                self._queue.put(STOP)  # one sentinel per consumer: each one stops at its own
        for consumer in self._consumers:
            consumer.join()
        with self._lock:
            return list(self._results), list(self._errors)
        ### END SOLUTION

    def _consume(self) -> None:
        """What each consumer thread runs: take items and process them until told to stop."""
        ### BEGIN SOLUTION
        while True:
            item = self._queue.get()  # sleeps until there is an item
            if item is STOP:
                return
            try:
                result = self._process(item)  # outside the lock: consumers work at the same time
            except Exception as exc:  # noqa: BLE001 - a failed item is reported, the consumer goes on
                with self._lock:
                    self._errors.append((item, exc))
            else:
                with self._lock:
                    self._results.append(result)
        ### END SOLUTION


def run_pipeline(sources: list[Iterable[Any]], process: Callable[[Any], Any], n_consumers: int = 2,
                 maxsize: int = 4) -> tuple[list[Any], list[tuple[Any, Exception]]]:
    """Process every item of every source in one Pipeline: one producer thread per source puts its
    items, all sources at the same time. Return what ``Pipeline.close()`` returns."""
    ### BEGIN SOLUTION
    pipeline = Pipeline(process, n_consumers, maxsize)

    def produce(source: Iterable[Any]) -> None:
        for item in source:
            pipeline.put(item)

    producers = [threading.Thread(target=produce, args=(source,)) for source in sources]
    for producer in producers:
        producer.start()
    for producer in producers:
        producer.join()  # every item is in the queue before the sentinels go in
    return pipeline.close()
    ### END SOLUTION
