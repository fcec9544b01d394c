"""Condition with while loops: each wait re-checks its condition and counts down what is left of the timeout.
"""

import threading
import time


class _Held:
    def __init__(self, acquire, release):
        self._acquire, self._release = acquire, release

    def __enter__(self):
        self._acquire()
        return self

    def __exit__(self, *exc):
        self._release()
        return False


class RWLock:
    def __init__(self):
        self._cond = threading.Condition(threading.Lock())
        self._readers = 0
        self._writer = None
        self._queued_writers = 0

    def _wait(self, blocked, timeout):
        deadline = None if timeout is None else time.monotonic() + timeout
        while blocked():
            if deadline is None:
                self._cond.wait()
            else:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def acquire_read(self, timeout=None):
        with self._cond:
            if not self._wait(lambda: self._writer is not None or self._queued_writers > 0, timeout):
                return False
            self._readers += 1
            return True

    def release_read(self):
        with self._cond:
            if self._readers <= 0:
                raise RuntimeError("release_read() but no reader holds the lock")
            self._readers -= 1
            if not self._readers:
                self._cond.notify_all()

    def acquire_write(self, timeout=None):
        with self._cond:
            self._queued_writers += 1
            ok = self._wait(lambda: self._writer is not None or self._readers > 0, timeout)
            self._queued_writers -= 1
            if ok:
                self._writer = threading.current_thread()
            else:
                self._cond.notify_all()
            return ok

    def release_write(self):
        with self._cond:
            if self._writer is None:
                raise RuntimeError("release_write() but no writer holds the lock")
            self._writer = None
            self._cond.notify_all()

    def read_locked(self):
        return _Held(self.acquire_read, self.release_read)

    def write_locked(self):
        return _Held(self.acquire_write, self.release_write)
