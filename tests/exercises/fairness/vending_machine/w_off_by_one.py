"""Wrong: refill compares with '>' so a full machine takes one more bar."""
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
            if self._stock > self._capacity:
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
            if not self._cv.wait_for(lambda: self._stock > 0, timeout):
                return False
            self._stock -= 1
            return True
