"""The writer marks itself inside after leaving the Condition's lock: between its check that the
room is empty and that mark, a reader can go in, and both are inside at once.
"""

import threading
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
        self._changed = threading.Condition()
        self._readers = 0  # readers inside
        self._writing = False  # a writer is inside
        self._writers_waiting = 0  # writers that asked and are not inside yet

    def acquire_read(self, timeout: float | None = None) -> bool:
        """Wait until no writer is inside or waiting, then go in as one more reader (True), or
        give up after ``timeout`` seconds (False). None waits as long as it takes; 0 never waits."""
        with self._changed:
            # a waiting writer holds back new readers: a stream of readers cannot starve it
            if not self._changed.wait_for(lambda: not self._writing and self._writers_waiting == 0, timeout):
                return False
            self._readers += 1
            return True

    def release_read(self) -> None:
        """Leave as a reader; RuntimeError if no reader is inside."""
        with self._changed:
            if self._readers == 0:
                raise RuntimeError("release_read() without a reader inside")
            self._readers -= 1
            if self._readers == 0:
                self._changed.notify_all()  # a waiting writer may go in now

    def acquire_write(self, timeout: float | None = None) -> bool:
        """Wait until nobody is inside, then go in alone (True), or give up after ``timeout``
        seconds (False). None waits as long as it takes; 0 never waits."""
        with self._changed:
            self._writers_waiting += 1
            try:
                got_in = self._changed.wait_for(lambda: not self._writing and self._readers == 0, timeout)
            finally:
                self._writers_waiting -= 1
            if not got_in:
                self._changed.notify_all()  # readers this writer held back may go in now
                return False
        self._writing = True  # after leaving the Condition: a reader may go in first
        return True

    def release_write(self) -> None:
        """Leave as the writer; RuntimeError if no writer is inside."""
        with self._changed:
            if not self._writing:
                raise RuntimeError("release_write() without a writer inside")
            self._writing = False
            self._changed.notify_all()  # every waiting reader, or a writer, may go in now

    @contextmanager
    def read_locked(self) -> Iterator[None]:
        """``with lock.read_locked():`` reads with the lock held, and releases it however the block ends."""
        self.acquire_read()
        try:
            yield
        finally:
            self.release_read()

    @contextmanager
    def write_locked(self) -> Iterator[None]:
        """``with lock.write_locked():`` writes with the lock held, and releases it however the block ends."""
        self.acquire_write()
        try:
            yield
        finally:
            self.release_write()
