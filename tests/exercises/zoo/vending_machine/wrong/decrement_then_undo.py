"""Act first, check after: buy() takes an item and puts it back if there was none, so others see stock -1.
"""

import threading


class VendingMachine:
    def __init__(self, capacity=5):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        self._stock = capacity
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)

    @property
    def capacity(self):
        return self._capacity

    @property
    def stock(self):
        return self._stock  # "reading an int is atomic, no lock needed"

    def refill(self):
        with self._lock:
            if self._stock == self._capacity:
                return False
            self._stock += 1
            self._changed.notify()
            return True

    def buy(self):
        self._stock -= 1  # optimistic: take one...
        if self._stock < 0:
            self._stock += 1  # ...and give it back if there was none
            return False
        return True

    def buy_waiting(self, timeout=None):
        with self._changed:
            if not self._changed.wait_for(lambda: self._stock > 0, timeout):
                return False
            self._stock -= 1
            return True
