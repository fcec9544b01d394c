"""A lost wakeup: buy_waiting clears an Event after checking the stock, wiping out a refill's signal.
"""

import threading


class VendingMachine:
    def __init__(self, capacity=5):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        self._stock = capacity
        self._lock = threading.Lock()
        self._restocked = threading.Event()

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
        self._restocked.set()
        return True

    def buy(self):
        with self._lock:
            if self._stock == 0:
                return False
            self._stock -= 1
            return True

    def buy_waiting(self, timeout=None):
        while True:
            if self.buy():
                return True
            self._restocked.clear()  # a refill that came right before this line is forgotten
            if not self._restocked.wait(timeout):
                return False
