"""Check-then-act on the refill path: the "is there room?" check is outside the lock, so two suppliers overfill.
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
        if self._stock >= self._capacity:  # checked without the lock...
            return False
        with self._changed:  # ...acted on with it
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
            if not self._changed.wait_for(lambda: self._stock > 0, timeout):
                return False
            self._stock -= 1
            return True
