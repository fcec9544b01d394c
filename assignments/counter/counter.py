"""A counter that many threads can share.

Write ``Counter`` so that increments and decrements from many threads at once are never lost, and
``count_concurrently`` so that it really runs its threads at the same time.
"""

import threading  # noqa: F401 - you will need it


class Counter:
    """A thread-safe counter.

    >>> c = Counter(5)
    >>> c.increment(); c.decrement(2); c.value
    4
    """

    def __init__(self, start: int = 0) -> None:
        # YOUR CODE HERE
        raise NotImplementedError()

    def increment(self, amount: int = 1) -> None:
        """Add ``amount`` to the counter."""
        # YOUR CODE HERE
        raise NotImplementedError()

    def decrement(self, amount: int = 1) -> None:
        """Subtract ``amount`` from the counter."""
        # YOUR CODE HERE
        raise NotImplementedError()

    @property
    def value(self) -> int:
        """The current count (read-only)."""
        # YOUR CODE HERE
        raise NotImplementedError()


def count_concurrently(n_threads: int, increments_per_thread: int) -> int:
    """Make one Counter, let ``n_threads`` threads each call ``increment()``
    ``increments_per_thread`` times, wait for all of them, and return the final value."""
    # YOUR CODE HERE
    raise NotImplementedError()
