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
        # YOUR CODE HERE
        raise NotImplementedError()

    @property
    def capacity(self) -> int:
        """How many items fit in the machine (read-only)."""
        # YOUR CODE HERE
        raise NotImplementedError()

    @property
    def stock(self) -> int:
        """How many items are in the machine now (read-only)."""
        # YOUR CODE HERE
        raise NotImplementedError()

    def refill(self) -> bool:
        """Add one item; return False and change nothing if the machine is full."""
        # YOUR CODE HERE
        raise NotImplementedError()

    def buy(self) -> bool:
        """Take one item without waiting; return False if the machine is empty."""
        # YOUR CODE HERE
        raise NotImplementedError()

    def buy_waiting(self, timeout: float | None = None) -> bool:
        """Wait until an item can be taken (True) or ``timeout`` seconds pass (False)."""
        # YOUR CODE HERE
        raise NotImplementedError()
