"""One Condition for all machines: made at the top of the module, at import; waiters re-check in a while loop.
"""

import threading
import time

machine_lock = threading.Condition()


class VendingMachine:
    def __init__(self, capacity=5):
        if capacity < 1:
            raise ValueError(f"bad capacity {capacity}")
        self._capacity = capacity
        self._stock = capacity

    @property
    def capacity(self):
        return self._capacity

    @property
    def stock(self):
        return self._stock

    def refill(self):
        with machine_lock:
            if self._stock == self._capacity:
                return False
            self._stock += 1
            machine_lock.notify_all()  # the condition is shared by every machine: wake them all
            return True

    def buy(self):
        with machine_lock:
            if self._stock == 0:
                return False
            self._stock -= 1
            return True

    def buy_waiting(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        with machine_lock:
            while self._stock == 0:
                if deadline is None:
                    machine_lock.wait()
                else:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    machine_lock.wait(left)
            self._stock -= 1
            return True
