"""A blocking acquire where the task says not to wait: buy() on an empty machine waits forever.
"""

import threading


class VendingMachine:
    def __init__(self, capacity=5):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        self._items = threading.BoundedSemaphore(capacity)
        self._lock = threading.Lock()
        self._stock = capacity

    @property
    def capacity(self):
        return self._capacity

    @property
    def stock(self):
        with self._lock:
            return self._stock

    def refill(self):
        with self._lock:
            if self._stock == self._capacity:
                return False
            self._stock += 1
            self._items.release()
            return True

    def buy(self):
        self._items.acquire()  # waits until there is an item
        with self._lock:
            self._stock -= 1
        return True

    def buy_waiting(self, timeout=None):
        if not self._items.acquire(timeout=timeout):
            return False
        with self._lock:
            self._stock -= 1
        return True
