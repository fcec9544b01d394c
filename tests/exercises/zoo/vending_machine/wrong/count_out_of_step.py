"""Two pieces of state out of step: the semaphore and the count are updated in separate steps.

A refill releases the semaphore and then, separately, counts the item; a customer can take the
item in between, and the count shows an item too few or too many.
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
        try:
            self._items.release()
        except ValueError:
            return False
        with self._lock:
            self._stock += 1
        return True

    def buy(self):
        if not self._items.acquire(blocking=False):
            return False
        with self._lock:
            self._stock -= 1
        return True

    def buy_waiting(self, timeout=None):
        if not self._items.acquire(timeout=timeout):
            return False
        with self._lock:
            self._stock -= 1
        return True
