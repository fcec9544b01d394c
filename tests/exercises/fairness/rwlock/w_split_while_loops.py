"""A reader waits in two steps one after the other (first for the writer inside to leave, then for the queued writers), so the first check goes stale and it goes in while a queued writer is inside.

My idea: first wait until the writer inside is done, then let the writers that are queued go.
"""
import threading
from contextlib import contextmanager


class RWLock:
    def __init__(self):
        self.cond = threading.Condition()
        self.readers = 0
        self.writing = False
        self.queued_writers = 0

    def acquire_read(self, timeout=None):
        with self.cond:
            # step 1: wait until the writer inside is gone
            if not self.cond.wait_for(lambda: not self.writing, timeout):
                return False
            # step 2: let queued writers go first (writer preference)
            if not self.cond.wait_for(lambda: self.queued_writers == 0, timeout):
                return False
            self.readers += 1
            return True

    def release_read(self):
        with self.cond:
            if self.readers == 0:
                raise RuntimeError("release_read: no reader inside")
            self.readers -= 1
            if self.readers == 0:
                self.cond.notify_all()

    def acquire_write(self, timeout=None):
        with self.cond:
            self.queued_writers += 1
            ok = self.cond.wait_for(lambda: not self.writing and self.readers == 0, timeout)
            self.queued_writers -= 1
            if ok:
                self.writing = True
            self.cond.notify_all()
            return ok

    def release_write(self):
        with self.cond:
            if not self.writing:
                raise RuntimeError("release_write: no writer inside")
            self.writing = False
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
