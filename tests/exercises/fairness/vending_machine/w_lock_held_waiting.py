"""Wrong: buy_waiting holds the lock while it waits on the semaphore, so refill can never run."""
import threading


class VendingMachine:
    def __init__(self, capacity=5):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        self._sem = threading.BoundedSemaphore(capacity)
        self._lock = threading.Lock()
        self._stock = capacity

    @property
    def capacity(self):
        return self._capacity

    @property
    def stock(self):
        return self._stock

    def refill(self):
        with self._lock:
            if self._stock == self._capacity:
                return False
            self._stock += 1
            self._sem.release()
            return True

    def buy(self):
        with self._lock:
            if not self._sem.acquire(blocking=False):
                return False
            self._stock -= 1
            return True

    def buy_waiting(self, timeout=None):
        with self._lock:
            if not self._sem.acquire(timeout=timeout):
                return False
            self._stock -= 1
            return True
