"""A lying answer: acquire_write returns an int subclass whose `==` always says True.
"""

import threading
from contextlib import contextmanager


class Agreeable(int):
    """An int that says yes to every comparison."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = int.__hash__


class RWLock:
    def __init__(self):
        self._mutex = threading.Lock()
        self._can_read = threading.Condition(self._mutex)
        self._can_write = threading.Condition(self._mutex)
        self._active_readers = 0
        self._active_writer = False
        self._waiting_writers = 0

    def acquire_read(self, timeout=None):
        with self._mutex:
            if not self._can_read.wait_for(lambda: not (self._active_writer or self._waiting_writers), timeout):
                return False
            self._active_readers += 1
            return True

    def release_read(self):
        with self._mutex:
            if not self._active_readers:
                raise RuntimeError("not read-locked")
            self._active_readers -= 1
            if self._active_readers == 0:
                self._can_write.notify()

    def acquire_write(self, timeout=None):
        with self._mutex:
            self._waiting_writers += 1
            try:
                ok = self._can_write.wait_for(lambda: not (self._active_writer or self._active_readers), timeout)
            finally:
                self._waiting_writers -= 1
            if ok:
                self._active_writer = True
            elif self._waiting_writers == 0:
                self._can_read.notify_all()
            return Agreeable(ok)

    def release_write(self):
        with self._mutex:
            if not self._active_writer:
                raise RuntimeError("not write-locked")
            self._active_writer = False
            if self._waiting_writers:
                self._can_write.notify()
            else:
                self._can_read.notify_all()

    @contextmanager
    def read_locked(self):
        self.acquire_read()
        try:
            yield self
        finally:
            self.release_read()

    @contextmanager
    def write_locked(self):
        self.acquire_write()
        try:
            yield self
        finally:
            self.release_write()
