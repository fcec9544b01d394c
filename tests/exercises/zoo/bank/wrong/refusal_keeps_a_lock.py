"""A refused transfer keeps a lock: transfer() takes both locks with acquire() and releases only
one before it raises InsufficientFunds, so the next transfer or total() on those accounts waits forever."""

import threading
import itertools


class InsufficientFunds(Exception):
    """Raised by ``Bank.transfer`` when the source account holds less than the amount."""


class Account:
    def __init__(self, number: int, owner: str, balance: int = 0) -> None:
        self.number = number
        self.owner = owner
        self.lock = threading.Lock()  # guards _balance
        self._balance = balance

    @property
    def balance(self) -> int:
        return self._balance      # reading one int is atomic


class Bank:
    def __init__(self) -> None:
        self.accounts = []
        self.accounts_lock = threading.Lock()

    def open_account(self, owner: str, balance: int = 0) -> Account:
        if balance < 0:
            raise ValueError("negative balance")
        with self.accounts_lock:
            account = Account(len(self.accounts) + 1, owner, balance)
            self.accounts.append(account)
        return account

    def transfer(self, source: Account, target: Account, amount: int) -> None:
        if amount <= 0:
            raise ValueError("amount must be positive")
        if source is target:
            raise ValueError("cannot transfer to the same account")
        if source.number < target.number:
            first, second = source, target
        else:
            first, second = target, source
        first.lock.acquire()
        second.lock.acquire()
        if source._balance < amount:
            first.lock.release()
            raise InsufficientFunds(f"account {source.number} has only {source._balance}")
        source._balance -= amount
        target._balance += amount
        second.lock.release()
        first.lock.release()

    def total(self) -> int:
        with self.accounts_lock:
            accounts = sorted(self.accounts, key=lambda a: a.number)
        for a in accounts:
            a.lock.acquire()
        result = sum(a._balance for a in accounts)
        for a in reversed(accounts):
            a.lock.release()
        return result
