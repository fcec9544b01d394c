"""A bank whose accounts many tellers use at once.

Write ``Bank`` so that transfers between accounts, each guarded by its own lock, never deadlock
whatever the threads do at the same time, never create or destroy money, never leave a balance
below zero, and so that ``total()`` sees every account at one single moment.
"""

import threading  # noqa: F401 - you will need it


class InsufficientFunds(Exception):
    """Raised by ``Bank.transfer`` when the source account holds less than the amount."""


class Account:
    """One account: a unique ``number``, an ``owner`` (two accounts may share one), a balance."""

    def __init__(self, number: int, owner: str, balance: int = 0) -> None:
        self.number = number
        self.owner = owner
        self.lock = threading.Lock()  # guards _balance
        self._balance = balance

    @property
    def balance(self) -> int:
        """The money in the account now (read-only)."""
        # YOUR CODE HERE
        raise NotImplementedError()


class Bank:
    """Opens accounts, numbered 1, 2, 3, ... in the order they are opened, and moves money.

    >>> bank = Bank()
    >>> alice, bob = bank.open_account("Alice", 100), bank.open_account("Bob")
    >>> bank.transfer(alice, bob, 30)
    >>> alice.balance, bob.balance, bank.total()
    (70, 30, 100)
    """

    def __init__(self) -> None:
        # YOUR CODE HERE
        raise NotImplementedError()

    def open_account(self, owner: str, balance: int = 0) -> Account:
        """Open an account for ``owner`` holding ``balance`` (not negative, or ValueError)."""
        # YOUR CODE HERE
        raise NotImplementedError()

    def transfer(self, source: Account, target: Account, amount: int) -> None:
        """Move ``amount`` from ``source`` to ``target``, or change nothing and raise:
        ValueError if the amount is not positive or both are the same account,
        InsufficientFunds if ``source`` holds less than ``amount``."""
        # YOUR CODE HERE
        raise NotImplementedError()

    def total(self) -> int:
        """The money in all accounts together, as it was at one single moment."""
        # YOUR CODE HERE
        raise NotImplementedError()
