"""Wrong: buy_waiting spins on buy() with no sleep and no wait (burns a CPU while waiting)."""
import threading
import time


class VendingMachine:
    def __init__(self, capacity=5):
        if capacity < 1:
            raise ValueError("capacity must be positive")
        self._capacity = capacity
        self._stock = capacity
        self._lock = threading.Lock()

    @property
    def capacity(self):
        return self._capacity

    @property
    def stock(self):
        return self._stock

    def refill(self):
        with self._lock:
            if self._stock < self._capacity:
                self._stock += 1
                return True
            return False

    def buy(self):
        with self._lock:
            if self._stock > 0:
                self._stock -= 1
                return True
            return False

    def buy_waiting(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.buy():
            if deadline is not None and time.monotonic() >= deadline:
                return False
        return True
