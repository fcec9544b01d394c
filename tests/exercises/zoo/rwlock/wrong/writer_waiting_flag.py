"""One flag for the waiting writers instead of a count: with two writers waiting, the first one in
clears it although the second still waits, so readers that ask after the second writer walk in ahead
of it, and a stream of readers starves it.
"""

import threading
from contextlib import contextmanager


class RWLock:
    def __init__(self):
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writer_waiting = False

    def acquire_read(self, timeout=None):
        with self._cond:
            if not self._cond.wait_for(lambda: not self._writing and not self._writer_waiting, timeout):
                return False
            self._readers += 1
            return True

    def release_read(self):
        with self._cond:
            if self._readers == 0:
                raise RuntimeError("release_read() without a reader inside")
            self._readers -= 1
            if self._readers == 0:
                self._cond.notify_all()

    def acquire_write(self, timeout=None):
        with self._cond:
            self._writer_waiting = True
            got = self._cond.wait_for(lambda: not self._writing and self._readers == 0, timeout)
            self._writer_waiting = False
            if not got:
                self._cond.notify_all()
                return False
            self._writing = True
            return True

    def release_write(self):
        with self._cond:
            if not self._writing:
                raise RuntimeError("release_write() without a writer inside")
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
