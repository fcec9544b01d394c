"""A lying stock: `stock` returns an int subclass whose `==` always says True.
"""

import threading


class Agreeable(int):
    """An int that says yes to every comparison."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = int.__hash__


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
            return Agreeable(self._stock)

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
