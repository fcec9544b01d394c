"""Turnstile and room-empty locks (the Little Book of Semaphores): a waiting writer holds the turnstile.
"""

import threading
import time
from contextlib import contextmanager


def _left(deadline):
    if deadline is None:
        return -1
    return max(0.0, deadline - time.monotonic())


class RWLock:
    def __init__(self):
        self._turnstile = threading.Lock()
        self._room_empty = threading.Lock()
        self._mutex = threading.Lock()
        self._readers = 0
        self._writing = False

    def acquire_read(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        if not self._turnstile.acquire(timeout=_left(deadline)):
            return False
        self._turnstile.release()
        if not self._mutex.acquire(timeout=_left(deadline)):
            return False
        try:
            if self._readers == 0 and not self._room_empty.acquire(timeout=_left(deadline)):
                return False
            self._readers += 1
            return True
        finally:
            self._mutex.release()

    def release_read(self):
        with self._mutex:
            if self._readers == 0:
                raise RuntimeError("no reader inside")
            self._readers -= 1
            if self._readers == 0:
                self._room_empty.release()

    def acquire_write(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        if not self._turnstile.acquire(timeout=_left(deadline)):
            return False
        if not self._room_empty.acquire(timeout=_left(deadline)):
            self._turnstile.release()
            return False
        self._writing = True
        return True

    def release_write(self):
        if not self._writing:
            raise RuntimeError("no writer inside")
        self._writing = False
        self._room_empty.release()
        self._turnstile.release()

    @contextmanager
    def read_locked(self):
        self.acquire_read()
        try:
            yield
        finally:
            self.release_read()

    @contextmanager
    def write_locked(self):
        self.acquire_write()
        try:
            yield
        finally:
            self.release_write()
