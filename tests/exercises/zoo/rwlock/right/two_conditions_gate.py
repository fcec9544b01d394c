"""Two Conditions and a writer gate: two Conditions on one Lock and a gate for writers; every wake-up checks its predicate again."""
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class _State:
    readers: int = 0
    writer: bool = False
    writers_waiting: int = 0


class RWLock:
    def __init__(self) -> None:
        lock = threading.Lock()
        self._readers_ok = threading.Condition(lock)
        self._writer_ok = threading.Condition(lock)
        self._lock = lock
        self._s = _State()

    def acquire_read(self, timeout: float | None = None) -> bool:
        with self._lock:
            s = self._s
            if not self._readers_ok.wait_for(lambda: not s.writer and s.writers_waiting == 0, timeout):
                return False
            s.readers += 1
            return True

    def release_read(self) -> None:
        with self._lock:
            s = self._s
            if s.readers == 0:
                raise RuntimeError("release_read without a reader")
            s.readers -= 1
            if s.readers == 0:
                self._writer_ok.notify()   # one writer may go in now (only writers wait for this)

    def acquire_write(self, timeout: float | None = None) -> bool:
        with self._lock:
            s = self._s
            s.writers_waiting += 1
            try:
                ok = self._writer_ok.wait_for(lambda: not s.writer and s.readers == 0, timeout)
            finally:
                s.writers_waiting -= 1
            if not ok:
                if s.writers_waiting == 0 and not s.writer:
                    self._readers_ok.notify_all()
                else:
                    # another writer may be able to go in instead of me
                    self._writer_ok.notify()
                return False
            s.writer = True
            return True

    def release_write(self) -> None:
        with self._lock:
            s = self._s
            if not s.writer:
                raise RuntimeError("release_write without a writer")
            s.writer = False
            if s.writers_waiting:
                self._writer_ok.notify()       # writer preference: next writer first
            else:
                self._readers_ok.notify_all()  # every waiting reader

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
