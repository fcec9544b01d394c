"""A plain Semaphore and an unlocked stock: refill checks the stock, then adds, with no lock around the two.
"""

import threading


class VendingMachine:
    def __init__(self, capacity=5):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity_ = capacity
        self.stock_ = capacity
        self.items = threading.Semaphore(capacity)

    @property
    def capacity(self):
        return self.capacity_

    @property
    def stock(self):
        return self.stock_

    def refill(self):
        if self.stock_ < self.capacity_:
            self.stock_ += 1
            self.items.release()
            return True
        return False

    def buy(self):
        if self.items.acquire(blocking=False):
            self.stock_ -= 1
            return True
        return False

    def buy_waiting(self, timeout=None):
        if self.items.acquire(timeout=timeout):
            self.stock_ -= 1
            return True
        return False
