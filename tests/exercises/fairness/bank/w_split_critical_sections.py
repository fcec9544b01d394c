"""Withdraws under the source's lock, lets go, then deposits under the target's lock (never two locks at once, so no deadlock), but total() can run between the two steps and miss the money in flight.
"""

import threading


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
        with self.lock:
            return self._balance


class Bank:
    def __init__(self) -> None:
        self.accounts = []
        self.lock = threading.Lock()

    def open_account(self, owner: str, balance: int = 0) -> Account:
        if balance < 0:
            raise ValueError("negative balance")
        with self.lock:
            account = Account(len(self.accounts) + 1, owner, balance)
            self.accounts.append(account)
        return account

    def transfer(self, source: Account, target: Account, amount: int) -> None:
        if amount <= 0:
            raise ValueError("amount has to be positive")
        if source is target:
            raise ValueError("source and target must differ")
        # Step 1: take the money out (only the source's lock, so check + withdraw is atomic)
        with source.lock:
            if source._balance < amount:
                raise InsufficientFunds(f"account {source.number} has only {source._balance}")
            source._balance -= amount
        # Step 2: put it in. We never hold two locks at the same time -> no deadlock possible!
        with target.lock:
            target._balance += amount

    def total(self) -> int:
        with self.lock:
            accounts = list(self.accounts)
        # all locks in number order, like the README says
        for account in accounts:
            account.lock.acquire()
        try:
            return sum(account._balance for account in accounts)
        finally:
            for account in accounts:
                account.lock.release()
