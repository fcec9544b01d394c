"""The writer waits only for other writers: it goes in while readers are inside.
"""

import threading
from contextlib import contextmanager


class RWLock:
    def __init__(self):
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    def acquire_read(self, timeout=None):
        with self._cond:
            ok = self._cond.wait_for(lambda: not self._writing and self._writers_waiting == 0, timeout)
            if ok:
                self._readers += 1
            return ok

    def release_read(self):
        with self._cond:
            if self._readers == 0:
                raise RuntimeError("no reader inside")
            self._readers -= 1
            if self._readers == 0:
                self._cond.notify_all()

    def acquire_write(self, timeout=None):
        with self._cond:
            self._writers_waiting += 1
            ok = self._cond.wait_for(lambda: not self._writing, timeout)
            self._writers_waiting -= 1
            if ok:
                self._writing = True
            else:
                self._cond.notify_all()
            return ok

    def release_write(self):
        with self._cond:
            if not self._writing:
                raise RuntimeError("no writer inside")
            self._writing = False
            self._cond.notify_all()

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
