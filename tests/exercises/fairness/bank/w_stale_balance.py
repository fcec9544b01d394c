"""Reads the source balance through the locked property before taking the transfer locks and later writes old_balance - amount, so a deposit that lands in between is lost.
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
    def __init__(self):
        self._accounts = []
        self._lock = threading.Lock()

    def open_account(self, owner, balance=0):
        if balance < 0:
            raise ValueError("balance < 0")
        with self._lock:
            acc = Account(len(self._accounts) + 1, owner, balance)
            self._accounts.append(acc)
        return acc

    def transfer(self, source, target, amount):
        if amount <= 0:
            raise ValueError("amount <= 0")
        if source is target:
            raise ValueError("same account")
        available = source.balance  # locked read, so this is safe
        if available < amount:
            raise InsufficientFunds(f"{available} < {amount}")
        first, second = sorted((source, target), key=lambda a: a.number)
        with first.lock:
            with second.lock:
                source._balance = available - amount
                target._balance += amount

    def total(self):
        with self._lock:
            accs = list(self._accounts)
        for a in accs:
            a.lock.acquire()
        try:
            return sum(a._balance for a in accs)
        finally:
            for a in accs:
                a.lock.release()
