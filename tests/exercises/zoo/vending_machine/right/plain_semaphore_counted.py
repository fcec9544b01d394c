"""Plain Semaphore kept in step with a locked count: refill checks the count before it
releases, so the semaphore never goes past capacity.
"""
import threading


class VendingMachine:
    def __init__(self, capacity: int = 5) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        self._items = threading.Semaphore(capacity)
        self._count = capacity
        self._count_lock = threading.RLock()

    capacity = property(lambda self: self._capacity)

    @property
    def stock(self) -> int:
        with self._count_lock:
            return self._count

    def refill(self) -> bool:
        with self._count_lock:
            if self._count >= self._capacity:
                return False
            self._count += 1
            self._items.release()
        return True

    def _took(self, got):
        if got:
            with self._count_lock:
                self._count -= 1
        return got

    def buy(self) -> bool:
        return self._took(self._items.acquire(blocking=False))

    def buy_waiting(self, timeout=None) -> bool:
        if timeout is not None and timeout <= 0:
            return self.buy()
        return self._took(self._items.acquire(timeout=timeout))
