"""Condition with wait_for; stock is a plain int under the condition's lock."""
import threading


class VendingMachine:
    def __init__(self, capacity=5):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._cap = capacity
        self._stock = capacity
        self._cv = threading.Condition(threading.RLock())

    capacity = property(lambda self: self._cap)

    @property
    def stock(self):
        with self._cv:
            return self._stock

    def refill(self):
        with self._cv:
            if self._stock >= self._cap:
                return False
            self._stock += 1
            self._cv.notify()
            return True

    def buy(self):
        with self._cv:
            if self._stock <= 0:
                return False
            self._stock -= 1
            return True

    def buy_waiting(self, timeout=None):
        with self._cv:
            if not self._cv.wait_for(lambda: self._stock > 0, timeout=timeout):
                return False
            self._stock -= 1
            return True
