"""Condition.wait_for: buy_waiting waits for `stock > 0` with its timeout; refill notifies one customer.
"""

import threading


class VendingMachine:
    def __init__(self, capacity: int = 5):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        self._stock = capacity
        self._changed = threading.Condition()

    @property
    def capacity(self) -> int:
        return self._capacity

    @property
    def stock(self) -> int:
        with self._changed:
            return self._stock

    def refill(self) -> bool:
        with self._changed:
            if self._stock >= self._capacity:
                return False
            self._stock += 1
            self._changed.notify()
            return True

    def buy(self) -> bool:
        with self._changed:
            if self._stock <= 0:
                return False
            self._stock -= 1
            return True

    def buy_waiting(self, timeout: float | None = None) -> bool:
        with self._changed:
            if not self._changed.wait_for(lambda: self._stock > 0, timeout=timeout):
                return False
            self._stock -= 1
            return True
