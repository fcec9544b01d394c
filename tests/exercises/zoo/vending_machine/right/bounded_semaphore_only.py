"""BoundedSemaphore alone: as in the lesson, a refill that would overfill it raises ValueError.

The stock is the semaphore's own counter (its _value attribute), which it changes under its lock.
"""

from threading import BoundedSemaphore


class VendingMachine:
    def __init__(self, capacity=5):
        if capacity < 1:
            raise ValueError("a machine needs room for one item")
        self._capacity = capacity
        self._candy = BoundedSemaphore(capacity)

    @property
    def capacity(self):
        return self._capacity

    @property
    def stock(self):
        return self._candy._value

    def refill(self):
        try:
            self._candy.release()
        except ValueError:  # the BoundedSemaphore is full
            return False
        return True

    def buy(self):
        return self._candy.acquire(False)

    def buy_waiting(self, timeout=None):
        return self._candy.acquire(timeout=timeout)
