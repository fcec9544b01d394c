"""Busy-waiting: buy_waiting loops `while True` checking the stock under the lock until an item shows up.
"""

import threading
import time


class VendingMachine:
    def __init__(self, capacity=5):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        self._stock = capacity
        self._lock = threading.Lock()

    @property
    def capacity(self):
        return self._capacity

    @property
    def stock(self):
        with self._lock:
            return self._stock

    def refill(self):
        with self._lock:
            if self._stock == self._capacity:
                return False
            self._stock += 1
            return True

    def buy(self):
        with self._lock:
            if self._stock == 0:
                return False
            self._stock -= 1
            return True

    def buy_waiting(self, timeout=None):
        start = time.monotonic()
        while True:
            with self._lock:
                if self._stock > 0:
                    self._stock -= 1
                    return True
            if timeout is not None and time.monotonic() - start >= timeout:
                return False
