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
        ### BEGIN SOLUTION
        with self.lock:
            return self._balance
        ### END SOLUTION


class Bank:
    """Opens accounts, numbered 1, 2, 3, ... in the order they are opened, and moves money.

    >>> bank = Bank()
    >>> alice, bob = bank.open_account("Alice", 100), bank.open_account("Bob")
    >>> bank.transfer(alice, bob, 30)
    >>> alice.balance, bob.balance, bank.total()
    (70, 30, 100)
    """

    def __init__(self) -> None:
        ### BEGIN SOLUTION
        self._accounts: list[Account] = []
        self._accounts_lock = threading.Lock()  # guards the list and the numbering
        ### END SOLUTION

    def open_account(self, owner: str, balance: int = 0) -> Account:
        """Open an account for ``owner`` holding ``balance`` (not negative, or ValueError)."""
        ### BEGIN SOLUTION
        if balance < 0:
            raise ValueError(f"an account cannot open with a negative balance ({balance})")
        with self._accounts_lock:
            account = Account(len(self._accounts) + 1, owner, balance)
            self._accounts.append(account)
        return account
        ### END SOLUTION

    def transfer(self, source: Account, target: Account, amount: int) -> None:
        """Move ``amount`` from ``source`` to ``target``, or change nothing and raise:
        ValueError if the amount is not positive or both are the same account,
        InsufficientFunds if ``source`` holds less than ``amount``."""
        ### BEGIN SOLUTION
        if amount <= 0:
            raise ValueError(f"a transfer needs a positive amount, not {amount}")
        if source is target:
            raise ValueError(f"account {source.number} cannot transfer to itself")
        # Every thread takes the two locks in the same order (the lower number first), so no two
        # transfers can each hold one lock and wait for the other: the dining philosophers' cure.
        first, second = sorted((source, target), key=lambda account: account.number)
        with first.lock, second.lock:
            if source._balance < amount:  # checked and changed under both locks: one step
                raise InsufficientFunds(
                    f"account {source.number} holds {source._balance}, less than {amount}")
            source._balance -= amount
            target._balance += amount
        ### END SOLUTION

    def total(self) -> int:
        """The money in all accounts together, as it was at one single moment."""
        ### BEGIN SOLUTION
        with self._accounts_lock:
            accounts = list(self._accounts)  # already in number order
        # take every lock, in the same order as transfer does, before reading any balance
        for account in accounts:
            account.lock.acquire()
        try:
            return sum(account._balance for account in accounts)
        finally:
            for account in reversed(accounts):
                account.lock.release()
        ### END SOLUTION
