"""Condition on an RLock, one deadline per wait: a Condition on an RLock; each acquire takes its deadline once, before its wait loop."""
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class RWLock:
    def __init__(self) -> None:
        self._mutex = threading.RLock()
        self._changed = threading.Condition(self._mutex)
        self._active_readers = 0
        self._active_writer = False
        self._queued_writers = 0

    def _wait_until(self, ready, timeout):
        """Wait (holding the mutex) until ready() is true; False if the deadline passes first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not ready():
            if deadline is None:
                self._changed.wait()
            else:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(remaining)
        return True

    def acquire_read(self, timeout: float | None = None) -> bool:
        self._mutex.acquire()
        try:
            if not self._wait_until(lambda: not self._active_writer and not self._queued_writers, timeout):
                return False
            self._active_readers += 1
            return True
        finally:
            self._mutex.release()

    def release_read(self) -> None:
        self._mutex.acquire()
        try:
            if self._active_readers < 1:
                raise RuntimeError("release_read() but no reader holds the lock")
            self._active_readers -= 1
            if not self._active_readers:
                self._changed.notify_all()
        finally:
            self._mutex.release()

    def acquire_write(self, timeout: float | None = None) -> bool:
        self._mutex.acquire()
        try:
            self._queued_writers += 1
            try:
                got = self._wait_until(lambda: not self._active_writer and not self._active_readers, timeout)
            finally:
                self._queued_writers -= 1
            if got:
                self._active_writer = True
            else:
                self._changed.notify_all()
            return got
        finally:
            self._mutex.release()

    def release_write(self) -> None:
        self._mutex.acquire()
        try:
            if not self._active_writer:
                raise RuntimeError("release_write() but no writer holds the lock")
            self._active_writer = False
            self._changed.notify_all()
        finally:
            self._mutex.release()

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
