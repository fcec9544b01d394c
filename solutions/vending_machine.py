"""A candy vending machine that many customers and one or more suppliers use at once.

Write ``VendingMachine`` so that its stock is never below zero nor above capacity, whatever the
threads do at the same time, and so that a customer who is willing to wait is woken by a refill.
"""

import threading  # noqa: F401 - you will need it


class VendingMachine:
    """Holds up to ``capacity`` items and starts full.

    >>> machine = VendingMachine(2)
    >>> machine.buy(), machine.buy(), machine.buy()
    (True, True, False)
    >>> machine.refill(), machine.stock
    (True, 1)
    """

    def __init__(self, capacity: int = 5) -> None:
        ### BEGIN SOLUTION
        if capacity < 1:
            raise ValueError(f"a vending machine needs room for at least one item, not {capacity}")
        self._capacity = capacity
        # The semaphore counts the items a customer can take: buyers wait on it. It does not tell
        # us its count, so _stock keeps the number shown to the world, under _lock.
        self._items = threading.BoundedSemaphore(capacity)
        self._lock = threading.Lock()
        self._stock = capacity
        ### END SOLUTION

    @property
    def capacity(self) -> int:
        """How many items fit in the machine (read-only)."""
        ### BEGIN SOLUTION
        return self._capacity
        ### END SOLUTION

    @property
    def stock(self) -> int:
        """How many items are in the machine now (read-only)."""
        ### BEGIN SOLUTION
        with self._lock:
            return self._stock
        ### END SOLUTION

    def refill(self) -> bool:
        """Add one item; return False and change nothing if the machine is full."""
        ### BEGIN SOLUTION
        with self._lock:
            if self._stock == self._capacity:
                return False
            # count the item first, then let a buyer take it: _stock never falls behind
            self._stock += 1
            self._items.release()  # wakes a customer waiting in buy_waiting
            return True
        ### END SOLUTION

    def buy(self) -> bool:
        """Take one item without waiting; return False if the machine is empty."""
        ### BEGIN SOLUTION
        if not self._items.acquire(blocking=False):
            return False
        with self._lock:  # the semaphore gave us an item; now the count shows it
            self._stock -= 1
        return True
        ### END SOLUTION

    def buy_waiting(self, timeout: float | None = None) -> bool:
        """Wait until an item can be taken (True) or ``timeout`` seconds pass (False)."""
        ### BEGIN SOLUTION
        if not self._items.acquire(timeout=timeout):
            return False
        with self._lock:
            self._stock -= 1
        return True
        ### END SOLUTION
