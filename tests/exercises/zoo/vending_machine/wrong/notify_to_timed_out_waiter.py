"""refill() wakes one waiter with notify(), and a waiter whose wait() returns False gives up without
looking at the stock: when the item arrives just as its timeout runs out, the wake-up goes to the customer
who is giving up, and a second waiting customer sleeps on with the item in the machine."""
import threading
import time


class VendingMachine:
    def __init__(self, capacity: int = 5) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        self._stock = capacity
        self._cond = threading.Condition()

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
            self._cond.notify()  # one item: wake one customer
            return True

    def buy(self) -> bool:
        with self._cond:
            if self._stock == 0:
                return False
            self._stock -= 1
            return True

    def buy_waiting(self, timeout=None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._stock == 0:
                if deadline is None:
                    self._cond.wait()
                    continue
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                if not self._cond.wait(left):
                    return False  # wait() returns False when the time is up
            self._stock -= 1
            return True
