"""Lock and Event, with a deadline: a lock for the count and an Event that a refill sets;
waiters clear it under the lock and wait for what is left of their timeout.
"""
import threading
import time


class VendingMachine:
    def __init__(self, capacity: int = 5) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        self._stock = capacity
        self._lock = threading.Lock()
        self._restocked = threading.Event()

    @property
    def capacity(self) -> int:
        return self._capacity

    @property
    def stock(self) -> int:
        return self._stock

    def refill(self) -> bool:
        with self._lock:
            if self._stock >= self._capacity:
                return False
            self._stock += 1
            self._restocked.set()
            return True

    def buy(self) -> bool:
        with self._lock:
            if self._stock <= 0:
                return False
            self._stock -= 1
            return True

    def buy_waiting(self, timeout=None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._lock:
                if self._stock > 0:
                    self._stock -= 1
                    if self._stock > 0:
                        self._restocked.set()  # let another waiter look too
                    return True
                self._restocked.clear()  # under the lock: a refill after this sets it again
            if deadline is None:
                self._restocked.wait()
            else:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._restocked.wait(left)
