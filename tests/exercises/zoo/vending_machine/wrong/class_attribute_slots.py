"""A class attribute shared by every instance: all machines keep their candy in one list.
"""

import threading


class VendingMachine:
    slots = []  # the candy in the machine
    lock = threading.Lock()

    def __init__(self, capacity=5):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        self._arrived = threading.Condition(self.lock)
        with self.lock:
            self.slots.clear()
            self.slots.extend(["candy"] * capacity)

    @property
    def capacity(self):
        return self._capacity

    @property
    def stock(self):
        with self.lock:
            return len(self.slots)

    def refill(self):
        with self.lock:
            if len(self.slots) >= self._capacity:
                return False
            self.slots.append("candy")
            self._arrived.notify()
            return True

    def buy(self):
        with self.lock:
            if not self.slots:
                return False
            self.slots.pop()
            return True

    def buy_waiting(self, timeout=None):
        with self._arrived:
            if not self._arrived.wait_for(lambda: self.slots, timeout):
                return False
            self.slots.pop()
            return True
