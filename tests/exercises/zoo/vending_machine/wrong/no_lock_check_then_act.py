"""Check-then-act without a lock: two customers both see the last item and both take it.
"""

import time


class VendingMachine:
    def __init__(self, capacity=5):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        self._stock = capacity

    @property
    def capacity(self):
        return self._capacity

    @property
    def stock(self):
        return self._stock

    def refill(self):
        if self._stock >= self._capacity:
            return False
        self._stock += 1
        return True

    def buy(self):
        if self._stock == 0:
            return False
        self._stock -= 1
        return True

    def buy_waiting(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.buy():
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
        return True

