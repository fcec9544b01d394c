"""Locks source then target with acquire(timeout=...) to avoid deadlock, but when a lock times out it silently gives up and returns None, so a transfer that reported success moved no money.
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


LOCK_TIMEOUT = 0.01  # a deadlock can't last longer than this


class Bank:
    def __init__(self):
        self.accounts = []
        self.open_lock = threading.Lock()

    def open_account(self, owner, balance=0):
        if balance < 0:
            raise ValueError("negative opening balance")
        with self.open_lock:
            a = Account(len(self.accounts) + 1, owner, balance)
            self.accounts.append(a)
        return a

    def transfer(self, source, target, amount):
        if amount <= 0:
            raise ValueError("amount must be positive")
        if source is target:
            raise ValueError("same account")
        if not source.lock.acquire(timeout=LOCK_TIMEOUT):
            return  # busy, avoid deadlock
        try:
            if not target.lock.acquire(timeout=LOCK_TIMEOUT):
                return  # would deadlock -> bail out
            try:
                if source._balance < amount:
                    raise InsufficientFunds("insufficient funds")
                source._balance -= amount
                target._balance += amount
            finally:
                target.lock.release()
        finally:
            source.lock.release()

    def total(self):
        with self.open_lock:
            accs = list(self.accounts)
        for a in accs:
            a.lock.acquire()
        try:
            return sum(a._balance for a in accs)
        finally:
            for a in accs:
                a.lock.release()
