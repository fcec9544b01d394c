"""Buyers and suppliers take different locks, and stock adds two counters without either lock: a
sale and a refill between the two reads make it show a stock the machine never had."""
import threading


class VendingMachine:
    def __init__(self, capacity: int = 5) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        self._sold = 0
        self._filled = 0
        self._sell = threading.Condition()   # buyers
        self._fill = threading.Lock()        # suppliers

    @property
    def capacity(self) -> int:
        return self._capacity

    @property
    def stock(self) -> int:
        return self._capacity + self._filled - self._sold

    def refill(self) -> bool:
        with self._fill:
            if self.stock >= self._capacity:
                return False
            self._filled += 1
        with self._sell:
            self._sell.notify()
        return True

    def buy(self) -> bool:
        with self._sell:
            if self.stock <= 0:
                return False
            self._sold += 1
            return True

    def buy_waiting(self, timeout=None) -> bool:
        with self._sell:
            if not self._sell.wait_for(lambda: self.stock > 0, timeout):
                return False
            self._sold += 1
            return True
