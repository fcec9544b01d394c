"""A readers-writer lock: many readers at once, or one writer alone.

Write ``RWLock`` on a ``threading.Condition`` so that readers share the lock, a writer has it to
itself, a writer is never starved by a stream of readers, no waiting thread sleeps through the
moment it could go in, and a wait with a timeout gives up cleanly.
"""

import threading  # noqa: F401 - you will need it
from collections.abc import Iterator
from contextlib import contextmanager


class RWLock:
    """Readers share the lock; a writer holds it alone. A waiting writer goes before new readers.

    >>> lock = RWLock()
    >>> with lock.read_locked():
    ...     lock.acquire_read(timeout=0), lock.acquire_write(timeout=0)
    (True, False)
    >>> lock.release_read()
    >>> with lock.write_locked():
    ...     lock.acquire_read(timeout=0)
    False
    """

    def __init__(self) -> None:
        # YOUR CODE HERE
        raise NotImplementedError()

    def acquire_read(self, timeout: float | None = None) -> bool:
        """Wait until no writer is inside or waiting, then go in as one more reader (True), or
        give up after ``timeout`` seconds (False). None waits as long as it takes; 0 never waits."""
        # YOUR CODE HERE
        raise NotImplementedError()

    def release_read(self) -> None:
        """Leave as a reader; RuntimeError if no reader is inside."""
        # YOUR CODE HERE
        raise NotImplementedError()

    def acquire_write(self, timeout: float | None = None) -> bool:
        """Wait until nobody is inside, then go in alone (True), or give up after ``timeout``
        seconds (False). None waits as long as it takes; 0 never waits."""
        # YOUR CODE HERE
        raise NotImplementedError()

    def release_write(self) -> None:
        """Leave as the writer; RuntimeError if no writer is inside."""
        # YOUR CODE HERE
        raise NotImplementedError()

    @contextmanager
    def read_locked(self) -> Iterator[None]:
        """``with lock.read_locked():`` reads with the lock held, and releases it however the block ends."""
        # YOUR CODE HERE
        raise NotImplementedError()

    @contextmanager
    def write_locked(self) -> Iterator[None]:
        """``with lock.write_locked():`` writes with the lock held, and releases it however the block ends."""
        # YOUR CODE HERE
        raise NotImplementedError()
