"""Queue: the items are the entries of a queue.Queue(maxsize=capacity), which does all the locking.
"""

import queue


class VendingMachine:
    def __init__(self, capacity=5):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._slots = queue.Queue(maxsize=capacity)
        for _ in range(capacity):
            self._slots.put_nowait("candy")

    @property
    def capacity(self):
        return self._slots.maxsize

    @property
    def stock(self):
        return self._slots.qsize()

    def refill(self):
        try:
            self._slots.put_nowait("candy")
        except queue.Full:
            return False
        return True

    def buy(self):
        try:
            self._slots.get_nowait()
        except queue.Empty:
            return False
        return True

    def buy_waiting(self, timeout=None):
        try:
            self._slots.get(timeout=timeout)
        except queue.Empty:
            return False
        return True
