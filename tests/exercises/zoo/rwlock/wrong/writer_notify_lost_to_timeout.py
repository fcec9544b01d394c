"""Writers woken one at a time with notify(), and a writer whose wait returns False gives up at once: when
the last reader leaves just as a waiting writer times out, the wake-up goes to that writer, and a second
waiting writer sleeps on with the lock free."""
import threading
import time
from contextlib import contextmanager


class RWLock:
    def __init__(self):
        self._lock = threading.Lock()
        self._can_read = threading.Condition(self._lock)
        self._can_write = threading.Condition(self._lock)
        self._readers = 0
        self._writing = False
        self._waiting_writers = 0

    @staticmethod
    def _deadline(timeout):
        return None if timeout is None else time.monotonic() + timeout

    @staticmethod
    def _wait(cond, deadline):
        """Wait once; False when the deadline has passed."""
        if deadline is None:
            cond.wait()
            return True
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        return cond.wait(remaining)  # False: timed out

    def acquire_read(self, timeout=None):
        deadline = self._deadline(timeout)
        with self._lock:
            while self._writing or self._waiting_writers:
                if not self._wait(self._can_read, deadline):
                    return False
            self._readers += 1
            return True

    def release_read(self):
        with self._lock:
            if self._readers == 0:
                raise RuntimeError("release_read() without a reader inside")
            self._readers -= 1
            if self._readers == 0:
                self._can_write.notify()  # the room is empty: one writer may go in

    def acquire_write(self, timeout=None):
        deadline = self._deadline(timeout)
        with self._lock:
            self._waiting_writers += 1
            try:
                while self._writing or self._readers:
                    if not self._wait(self._can_write, deadline):
                        return False
                self._writing = True
                return True
            finally:
                self._waiting_writers -= 1
                if not self._writing and self._waiting_writers == 0:
                    self._can_read.notify_all()  # I gave up: let the readers I held back in

    def release_write(self):
        with self._lock:
            if not self._writing:
                raise RuntimeError("release_write() without a writer inside")
            self._writing = False
            if self._waiting_writers:
                self._can_write.notify()  # writer preference: the next writer first
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
