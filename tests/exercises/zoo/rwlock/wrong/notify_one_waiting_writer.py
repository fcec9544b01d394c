"""One Condition, writer preference; a leaving writer wakes one waiter with notify() when writers wait. That
one may be a reader, which goes back to waiting: the waiting writer is never woken, and everyone waits."""
import threading
from contextlib import contextmanager


class RWLock:
    def __init__(self):
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False
        self._waiting_writers = 0

    def acquire_read(self, timeout=None):
        with self._cond:
            ok = self._cond.wait_for(lambda: not self._writer and self._waiting_writers == 0, timeout)
            if ok:
                self._readers += 1
            return ok

    def release_read(self):
        with self._cond:
            if self._readers <= 0:
                raise RuntimeError("no reader holds the lock")
            self._readers -= 1
            if self._readers == 0:
                self._cond.notify_all()

    def acquire_write(self, timeout=None):
        with self._cond:
            self._waiting_writers += 1
            try:
                ok = self._cond.wait_for(lambda: not self._writer and self._readers == 0, timeout)
            finally:
                self._waiting_writers -= 1
            if not ok:
                self._cond.notify_all()  # readers held back by us may go in now
                return False
            self._writer = True
            return True

    def release_write(self):
        with self._cond:
            if not self._writer:
                raise RuntimeError("no writer holds the lock")
            self._writer = False
            if self._waiting_writers:
                self._cond.notify()      # only one writer can go in next: hand over to it
            else:
                self._cond.notify_all()  # no writer waiting: let every reader in

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
