"""Semaphore where a BoundedSemaphore was needed: a refill of a full machine succeeds and overfills it.
"""

from threading import Semaphore


class VendingMachine:
    def __init__(self, capacity=5):
        if capacity < 1:
            raise ValueError("a machine needs room for one item")
        self._capacity = capacity
        self._candy = Semaphore(capacity)

    @property
    def capacity(self):
        return self._capacity

    @property
    def stock(self):
        return self._candy._value

    def refill(self):
        try:
            self._candy.release()
        except ValueError:  # never raised: a plain Semaphore has no upper bound
            return False
        return True

    def buy(self):
        return self._candy.acquire(False)

    def buy_waiting(self, timeout=None):
        return self._candy.acquire(timeout=timeout)
