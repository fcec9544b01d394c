"""The leaving reader wakes the writers when one reader is still inside instead of none (an off-by-one after the decrement), so the last reader out wakes nobody and a waiting writer sleeps on.
"""
import threading
from contextlib import contextmanager


class RWLock:
    """readers-writer lock, writer preference"""

    def __init__(self):
        self._c = threading.Condition()
        self._r = 0       # readers in
        self._w = False   # writer in
        self._ww = 0      # writers waiting

    def acquire_read(self, timeout=None):
        with self._c:
            if self._c.wait_for(lambda: not self._w and not self._ww, timeout):
                self._r += 1
                return True
            return False

    def release_read(self):
        with self._c:
            if not self._r:
                raise RuntimeError("release_read without reader")
            self._r -= 1
            if self._r == 1:  # was the last one -> wake writers
                self._c.notify_all()

    def acquire_write(self, timeout=None):
        with self._c:
            self._ww += 1
            try:
                ok = self._c.wait_for(lambda: not self._w and not self._r, timeout)
            finally:
                self._ww -= 1
            if ok:
                self._w = True
            else:
                self._c.notify_all()
            return ok

    def release_write(self):
        with self._c:
            if not self._w:
                raise RuntimeError("release_write without writer")
            self._w = False
            self._c.notify_all()

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
