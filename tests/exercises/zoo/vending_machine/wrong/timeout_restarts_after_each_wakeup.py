"""wait(timeout) in a while loop, each time with the whole timeout: every wake-up for an item that a
rival then buys starts the wait over, so buy_waiting can wait far longer than its timeout."""

import threading


class VendingMachine:
    def __init__(self, capacity=5):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        self._stock = capacity
        self._cond = threading.Condition()

    @property
    def capacity(self):
        return self._capacity

    @property
    def stock(self):
        with self._cond:
            return self._stock

    def refill(self):
        with self._cond:
            if self._stock >= self._capacity:
                return False
            self._stock += 1
            self._cond.notify_all()
            return True

    def buy(self):
        with self._cond:
            if self._stock == 0:
                return False
            self._stock -= 1
            return True

    def buy_waiting(self, timeout=None):
        with self._cond:
            while self._stock == 0:
                if not self._cond.wait(timeout):  # timed out
                    return False
            self._stock -= 1
            return True
