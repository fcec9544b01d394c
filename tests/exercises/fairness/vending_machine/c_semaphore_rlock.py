"""BoundedSemaphore for the bars, RLock for the visible count, a context manager helper."""
import contextlib
import threading


class VendingMachine:
    def __init__(self, capacity=5):
        if capacity < 1:
            raise ValueError("capacity < 1")
        self._capacity = capacity
        self._sem = threading.BoundedSemaphore(capacity)
        self._lock = threading.RLock()
        self._count = capacity

    @contextlib.contextmanager
    def _counting(self):
        with self._lock:
            yield

    @property
    def capacity(self):
        return self._capacity

    @property
    def stock(self):
        with self._counting():
            return self._count

    def refill(self):
        with self._counting():
            if self._count == self._capacity:
                return False
            self._count += 1
            self._sem.release()
        return True

    def _take(self, **kw):
        if not self._sem.acquire(**kw):
            return False
        with self._counting():
            self._count -= 1
        return True

    def buy(self):
        return self._take(blocking=False)

    def buy_waiting(self, timeout=None):
        if timeout is not None and timeout <= 0:
            return self._take(blocking=False)
        return self._take(timeout=timeout)
