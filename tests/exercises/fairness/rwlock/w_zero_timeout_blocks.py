"""`if timeout:` treats timeout=0 like None, so acquire_read(timeout=0) and acquire_write(timeout=0) wait as long as it takes instead of not at all.
"""
import threading
from contextlib import contextmanager


class RWLock:
    def __init__(self):
        self.cond = threading.Condition()
        self.readers = 0
        self.writer = False
        self.writers_waiting = 0

    def _wait(self, predicate, timeout):
        # no timeout given -> wait forever
        if timeout:
            return self.cond.wait_for(predicate, timeout)
        return self.cond.wait_for(predicate)

    def acquire_read(self, timeout=None):
        with self.cond:
            if not self._wait(lambda: not self.writer and self.writers_waiting == 0, timeout):
                return False
            self.readers += 1
            return True

    def release_read(self):
        with self.cond:
            if self.readers == 0:
                raise RuntimeError("no readers")
            self.readers -= 1
            if self.readers == 0:
                self.cond.notify_all()

    def acquire_write(self, timeout=None):
        with self.cond:
            self.writers_waiting += 1
            try:
                ok = self._wait(lambda: not self.writer and self.readers == 0, timeout)
            finally:
                self.writers_waiting -= 1
            if ok:
                self.writer = True
            else:
                self.cond.notify_all()
            return ok

    def release_write(self):
        with self.cond:
            if not self.writer:
                raise RuntimeError("no writer")
            self.writer = False
            self.cond.notify_all()

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
