"""Each wait uses the whole timeout again (`if not cond.wait(timeout): return False` in a loop):
a writer woken when one of two readers leaves waits the full timeout once more."""
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class RWLock:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False
        self._waiting_writers = 0

    def acquire_read(self, timeout: float | None = None) -> bool:
        with self._cond:
            while self._writer or self._waiting_writers:
                if not self._cond.wait(timeout):    # timed out
                    return False
            self._readers += 1
            return True

    def release_read(self) -> None:
        with self._cond:
            if self._readers <= 0:
                raise RuntimeError("release_read() without a reader inside")
            self._readers -= 1
            self._cond.notify_all()

    def acquire_write(self, timeout: float | None = None) -> bool:
        with self._cond:
            self._waiting_writers += 1
            try:
                while self._writer or self._readers:
                    if not self._cond.wait(timeout):
                        self._cond.notify_all()
                        return False
                self._writer = True
                return True
            finally:
                self._waiting_writers -= 1

    def release_write(self) -> None:
        with self._cond:
            if not self._writer:
                raise RuntimeError("release_write() without a writer inside")
            self._writer = False
            self._cond.notify_all()

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
