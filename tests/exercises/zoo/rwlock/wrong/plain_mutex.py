"""A plain mutex: one Lock for readers and writers alike, so readers never share.
"""

import threading
from contextlib import contextmanager


class RWLock:
    def __init__(self):
        self._lock = threading.Lock()
        self._readers = 0
        self._writing = False

    def acquire_read(self, timeout=None):
        if not self._lock.acquire(timeout=-1 if timeout is None else timeout):
            return False
        self._readers += 1
        return True

    def release_read(self):
        if self._readers == 0:
            raise RuntimeError("no reader inside")
        self._readers -= 1
        self._lock.release()

    def acquire_write(self, timeout=None):
        if not self._lock.acquire(timeout=-1 if timeout is None else timeout):
            return False
        self._writing = True
        return True

    def release_write(self):
        if not self._writing:
            raise RuntimeError("no writer inside")
        self._writing = False
        self._lock.release()

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
