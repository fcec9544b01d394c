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
        ### BEGIN SOLUTION
        self._value = start
        self._lock = threading.Lock()
        ### END SOLUTION

    def increment(self, amount: int = 1) -> None:
        """Add ``amount`` to the counter."""
        ### BEGIN SOLUTION
        with self._lock:
            self._value += amount
        ### END SOLUTION

    def decrement(self, amount: int = 1) -> None:
        """Subtract ``amount`` from the counter."""
        ### BEGIN SOLUTION
        with self._lock:
            self._value -= amount
        ### END SOLUTION

    @property
    def value(self) -> int:
        """The current count (read-only)."""
        ### BEGIN SOLUTION
        with self._lock:
            return self._value
        ### END SOLUTION


def count_concurrently(n_threads: int, increments_per_thread: int) -> int:
    """Make one Counter, let ``n_threads`` threads each call ``increment()``
    ``increments_per_thread`` times, wait for all of them, and return the final value."""
    ### BEGIN SOLUTION
    counter = Counter()

    def work() -> None:
        for _ in range(increments_per_thread):
            counter.increment()

    threads = [threading.Thread(target=work) for _ in range(n_threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return counter.value
    ### END SOLUTION
