"""Two locks, stock read under both: a Condition for buyers, a Lock for suppliers. A sale only
lowers the stock and a refill only raises it, so a buyer's check stays true while a supplier works,
and the other way round; stock reads both counters while holding both locks.
"""
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

    def _stock(self):
        return self._capacity + self._filled - self._sold

    @property
    def stock(self) -> int:
        with self._sell, self._fill:
            return self._stock()

    def refill(self) -> bool:
        with self._fill:
            if self._stock() >= self._capacity:
                return False
            self._filled += 1
        with self._sell:
            self._sell.notify()
        return True

    def buy(self) -> bool:
        with self._sell:
            if self._stock() <= 0:
                return False
            self._sold += 1
            return True

    def buy_waiting(self, timeout=None) -> bool:
        with self._sell:
            if not self._sell.wait_for(lambda: self._stock() > 0, timeout):
                return False
            self._sold += 1
            return True
