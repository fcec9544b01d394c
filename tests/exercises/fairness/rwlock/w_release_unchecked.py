"""Releases are not checked: release_read() and release_write() on a lock nobody holds just change the counts and raise nothing.
"""

import threading
from contextlib import contextmanager


class RWLock:
    def __init__(self):
        self._lock = threading.Condition()
        self._readers = 0
        self._writer = False
        self._waiting_writers = 0

    def acquire_read(self, timeout=None):
        with self._lock:
            ok = self._lock.wait_for(lambda: not self._writer and not self._waiting_writers, timeout)
            if ok:
                self._readers += 1
            return ok

    def release_read(self):
        with self._lock:
            self._readers -= 1
            if self._readers <= 0:
                self._readers = 0          # never go below zero
                self._lock.notify_all()

    def acquire_write(self, timeout=None):
        with self._lock:
            self._waiting_writers += 1
            ok = self._lock.wait_for(lambda: not self._writer and self._readers == 0, timeout)
            self._waiting_writers -= 1
            if ok:
                self._writer = True
            else:
                self._lock.notify_all()
            return ok

    def release_write(self):
        with self._lock:
            self._writer = False
            self._lock.notify_all()

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
