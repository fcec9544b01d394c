"""Locks the richer account first (sorted by balance), an order that ties when two balances are equal and changes as money moves, so opposite transfers deadlock.

Idea: the account with more money is the "bigger" one, so everyone takes it first.
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
    """Opens accounts, numbered 1, 2, 3, ... and moves money."""

    def __init__(self) -> None:
        self._accounts = []
        self._accounts_lock = threading.Lock()

    def open_account(self, owner: str, balance: int = 0) -> Account:
        if balance < 0:
            raise ValueError("an account cannot start with a negative balance")
        with self._accounts_lock:
            account = Account(len(self._accounts) + 1, owner, balance)
            self._accounts.append(account)
        return account

    def transfer(self, source: Account, target: Account, amount: int) -> None:
        if amount <= 0:
            raise ValueError("the amount must be positive")
        if source is target:
            raise ValueError("an account cannot transfer to itself")
        # global order: the richer account first
        first, second = sorted((source, target), key=lambda acc: acc._balance, reverse=True)
        with first.lock:
            with second.lock:
                if source._balance < amount:
                    raise InsufficientFunds(f"account {source.number} holds only {source._balance}")
                source._balance -= amount
                target._balance += amount

    def total(self) -> int:
        with self._accounts_lock:
            accounts = list(self._accounts)
        accounts.sort(key=lambda acc: acc._balance, reverse=True)  # same order as transfer
        for account in accounts:
            account.lock.acquire()
        try:
            return sum(account._balance for account in accounts)
        finally:
            for account in accounts:
                account.lock.release()
