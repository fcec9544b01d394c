"""Two semaphores: one counts the items, one the free slots (producer-consumer); a Lock guards the shown stock.
"""

import threading


class VendingMachine:
    def __init__(self, capacity=5):
        if capacity <= 0:
            raise ValueError("a machine needs room for at least one item")
        self._capacity = capacity
        self._items = threading.Semaphore(capacity)
        self._slots = threading.Semaphore(0)
        self._lock = threading.Lock()
        self._count = capacity

    capacity = property(lambda self: self._capacity)

    @property
    def stock(self):
        with self._lock:
            return self._count

    def refill(self):
        if not self._slots.acquire(blocking=False):
            return False
        with self._lock:
            self._count += 1
        self._items.release()
        return True

    def _took_one(self):
        with self._lock:
            self._count -= 1
        self._slots.release()
        return True

    def buy(self):
        if not self._items.acquire(blocking=False):
            return False
        return self._took_one()

    def buy_waiting(self, timeout=None):
        if not self._items.acquire(timeout=timeout):
            return False
        return self._took_one()
