"""Condition: one Condition guards the stock; buy_waiting waits with wait_for, refill notifies.
"""

import threading


class VendingMachine:
    def __init__(self, capacity: int = 5) -> None:
        if capacity < 1:
            raise ValueError(f"capacity {capacity} < 1")
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
            if self._stock == 0:
                return False
            self._stock -= 1
            return True

    def buy_waiting(self, timeout: float | None = None) -> bool:
        with self._changed:
            if not self._changed.wait_for(lambda: self._stock > 0, timeout):
                return False
            self._stock -= 1
            return True
