"""The check and the sale are each under the lock, but not under the same hold of it: a customer
learns there is an item, lets go of the lock, and then takes it. Another customer who checks in
between sees the same last item, and both buy it.
"""

import threading


class VendingMachine:
    def __init__(self, capacity=5):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        self._stock = capacity
        self._lock = threading.Lock()
        self._refilled = threading.Condition(self._lock)

    @property
    def capacity(self):
        return self._capacity

    @property
    def stock(self):
        with self._lock:
            return self._stock

    def _has_item(self):
        with self._lock:
            return self._stock > 0

    def _take(self):
        with self._lock:
            self._stock -= 1

    def refill(self):
        with self._lock:
            if self._stock == self._capacity:
                return False
            self._stock += 1
            self._refilled.notify()
            return True

    def buy(self):
        if not self._has_item():
            return False
        self._take()
        return True

    def buy_waiting(self, timeout=None):
        with self._refilled:
            if not self._refilled.wait_for(lambda: self._stock > 0, timeout):
                return False
            self._stock -= 1
            return True
