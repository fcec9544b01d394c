"""Locks are ordered by id() of each account's lock object, which is unique while the bank lives, and total() takes them all in that same id order.

I didn't want to depend on the account numbers for the ordering, so I sort by id() of the
lock. Two live objects never have the same id, so the order never ties and every thread
agrees on it.
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


def _lock_rank(account):
    # id() of the lock never changes and no two live locks share one
    return id(account.lock)


class Bank:
    def __init__(self) -> None:
        self.accounts = []
        self.registry_lock = threading.Lock()

    def open_account(self, owner: str, balance: int = 0) -> Account:
        if balance < 0:
            raise ValueError("opening balance can't be negative")
        with self.registry_lock:
            acc = Account(len(self.accounts) + 1, owner, balance)
            self.accounts.append(acc)
        return acc

    def transfer(self, source: Account, target: Account, amount: int) -> None:
        # validate first, before any lock (a Lock can't be taken twice)
        if amount <= 0:
            raise ValueError("amount must be positive")
        if source is target:
            raise ValueError("can't transfer to the same account")
        lo, hi = sorted([source, target], key=_lock_rank)
        lo.lock.acquire()
        try:
            hi.lock.acquire()
            try:
                if source._balance < amount:
                    raise InsufficientFunds(f"account {source.number} only has {source._balance}")
                source._balance = source._balance - amount
                target._balance = target._balance + amount
            finally:
                hi.lock.release()
        finally:
            lo.lock.release()

    def total(self) -> int:
        with self.registry_lock:
            everyone = sorted(self.accounts, key=_lock_rank)  # same order as transfer!
        held = []
        try:
            for acc in everyone:
                acc.lock.acquire()
                held.append(acc)
            return sum(acc._balance for acc in everyone)
        finally:
            for acc in reversed(held):
                acc.lock.release()
