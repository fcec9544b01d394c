"""`if timeout:` treats a timeout of 0 like None: buy_waiting(timeout=0) on an empty machine waits forever.
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
            if timeout:
                ready = self._changed.wait_for(lambda: self._stock > 0, timeout)
            else:  # meant for timeout=None, but 0 lands here too
                ready = self._changed.wait_for(lambda: self._stock > 0)
            if not ready:
                return False
            self._stock -= 1
            return True
