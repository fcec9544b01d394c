"""A Condition shared by every machine (a class attribute), and refill() wakes one waiter with notify():
the wake-up can go to a customer waiting at another, empty machine, who sleeps again, while the
customer at the refilled machine sleeps on."""
import threading
import time


class VendingMachine:
    _cond = threading.Condition()  # one condition for the machines' shared wiring

    def __init__(self, capacity: int = 5) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        self._stock = capacity

    @property
    def capacity(self) -> int:
        return self._capacity

    @property
    def stock(self) -> int:
        with self._cond:
            return self._stock

    def refill(self) -> bool:
        with self._cond:
            if self._stock == self._capacity:
                return False
            self._stock += 1
            self._cond.notify()  # one item: one customer can have it
            return True

    def buy(self) -> bool:
        with self._cond:
            if self._stock == 0:
                return False
            self._stock -= 1
            return True

    def buy_waiting(self, timeout=None) -> bool:
        with self._cond:
            if not self._cond.wait_for(lambda: self._stock > 0, timeout):
                return False
            self._stock -= 1
            return True
