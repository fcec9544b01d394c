"""`if` instead of `while` around a wait: a customer woken by a refill takes an item someone else already took.
"""

import threading


class VendingMachine:
    def __init__(self, capacity=5):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        self._stock = capacity
        self._changed = threading.Condition()

    @property
    def capacity(self):
        return self._capacity

    @property
    def stock(self):
        with self._changed:
            return self._stock

    def refill(self):
        with self._changed:
            if self._stock == self._capacity:
                return False
            self._stock += 1
            self._changed.notify()
            return True

    def buy(self):
        with self._changed:
            if self._stock == 0:
                return False
            self._stock -= 1
            return True

    def buy_waiting(self, timeout=None):
        with self._changed:
            if self._stock == 0:
                if not self._changed.wait(timeout):
                    return False
            self._stock -= 1  # the item may be gone again by the time this thread runs
            return True
