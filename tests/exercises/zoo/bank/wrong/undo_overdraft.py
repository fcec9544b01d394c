"""Money taken first and put back when it was too much, with balance read without the lock: a reader sees a balance below zero while a refused transfer runs."""

import threading


class InsufficientFunds(Exception):
    pass


class Account:
    def __init__(self, number, owner, balance=0):
        self.number = number
        self.owner = owner
        self.lock = threading.Lock()
        self._balance = balance

    @property
    def balance(self):
        return self._balance  # an int read is atomic: no lock needed (?)


class Bank:
    def __init__(self):
        self._accounts = []
        self._lock = threading.Lock()

    def open_account(self, owner, balance=0):
        if balance < 0:
            raise ValueError("negative opening balance")
        with self._lock:
            account = Account(len(self._accounts) + 1, owner, balance)
            self._accounts.append(account)
        return account

    def transfer(self, source, target, amount):
        if amount <= 0:
            raise ValueError("amount must be positive")
        if source is target:
            raise ValueError("same account")
        first, second = sorted((source, target), key=lambda a: a.number)
        with first.lock, second.lock:
            source._balance -= amount
            if source._balance < 0:           # overdrawn: undo and refuse
                error = InsufficientFunds(f"account {source.number} is {-source._balance} short")
                source._balance += amount
                raise error
            target._balance += amount

    def total(self):
        with self._lock:
            accounts = list(self._accounts)
        for account in accounts:
            account.lock.acquire()
        try:
            return sum(a._balance for a in accounts)
        finally:
            for account in reversed(accounts):
                account.lock.release()
