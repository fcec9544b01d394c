"""Wrong: treats timeout=0 like None ('if timeout:'), so buy_waiting(0) on an empty machine waits forever."""
import threading


class VendingMachine:
    def __init__(self, capacity=5):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        self._stock = capacity
        self._cv = threading.Condition()

    @property
    def capacity(self):
        return self._capacity

    @property
    def stock(self):
        return self._stock

    def refill(self):
        with self._cv:
            if self._stock == self._capacity:
                return False
            self._stock += 1
            self._cv.notify()
            return True

    def buy(self):
        with self._cv:
            if self._stock == 0:
                return False
            self._stock -= 1
            return True

    def buy_waiting(self, timeout=None):
        with self._cv:
            if timeout:
                ok = self._cv.wait_for(lambda: self._stock > 0, timeout)
            else:
                ok = self._cv.wait_for(lambda: self._stock > 0)
            if not ok:
                return False
            self._stock -= 1
            return True
