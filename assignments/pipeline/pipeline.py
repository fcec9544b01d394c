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
        # YOUR CODE HERE
        raise NotImplementedError()

    def put(self, item: Any) -> None:
        """Hand ``item`` to the consumers; wait while the queue is full. ValueError after close()."""
        # YOUR CODE HERE
        raise NotImplementedError()

    def close(self) -> tuple[list[Any], list[tuple[Any, Exception]]]:
        """Wait until every item put so far is processed and every consumer thread has stopped;
        return ``(results, errors)``: the value ``process`` returned for each item that succeeded
        (in any order), and ``(item, exception)`` for each item whose processing raised.
        Call it after every ``put`` has returned; calling it twice is allowed."""
        # YOUR CODE HERE
        raise NotImplementedError()

    def _consume(self) -> None:
        """What each consumer thread runs: take items and process them until told to stop."""
        # YOUR CODE HERE
        raise NotImplementedError()


def run_pipeline(sources: list[Iterable[Any]], process: Callable[[Any], Any], n_consumers: int = 2,
                 maxsize: int = 4) -> tuple[list[Any], list[tuple[Any, Exception]]]:
    """Process every item of every source in one Pipeline: one producer thread per source puts its
    items, all sources at the same time. Return what ``Pipeline.close()`` returns."""
    # YOUR CODE HERE
    raise NotImplementedError()
