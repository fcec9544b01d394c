"""A writer that gives up wakes one waiter with notify(): of two readers queued behind it, one
goes in and the other sleeps until someone else leaves."""
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class RWLock:
    def __init__(self) -> None:
        self._cv = threading.Condition(threading.Lock())
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    def _can_read(self) -> bool:
        return not self._writing and self._writers_waiting == 0

    def _can_write(self) -> bool:
        return not self._writing and self._readers == 0

    def acquire_read(self, timeout: float | None = None) -> bool:
        with self._cv:
            if not self._cv.wait_for(self._can_read, timeout):
                return False
            self._readers += 1
            return True

    def release_read(self) -> None:
        with self._cv:
            if self._readers == 0:
                raise RuntimeError("no reader inside")
            self._readers -= 1
            if self._readers == 0:
                self._cv.notify_all()

    def acquire_write(self, timeout: float | None = None) -> bool:
        with self._cv:
            self._writers_waiting += 1
            ok = self._cv.wait_for(self._can_write, timeout)
            self._writers_waiting -= 1
            if not ok:
                self._cv.notify()   # wake the reader that queued behind me
                return False
            self._writing = True
            return True

    def release_write(self) -> None:
        with self._cv:
            if not self._writing:
                raise RuntimeError("no writer inside")
            self._writing = False
            self._cv.notify_all()

    @contextmanager
    def read_locked(self) -> Iterator[None]:
        self.acquire_read()
        try:
            yield
        finally:
            self.release_read()

    @contextmanager
    def write_locked(self) -> Iterator[None]:
        self.acquire_write()
        try:
            yield
        finally:
            self.release_write()
