"""total() adds up the balances one lock at a time: a transfer between two reads is counted twice or never.
"""

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
        with self.lock:
            return self._balance


class Bank:
    def __init__(self):
        self._accounts = []
        self._lock = threading.Lock()

    def open_account(self, owner, balance=0):
        if balance < 0:
            raise ValueError("an account cannot open below zero")
        with self._lock:
            account = Account(len(self._accounts) + 1, owner, balance)
            self._accounts.append(account)
        return account

    def transfer(self, source, target, amount):
        if amount <= 0:
            raise ValueError("the amount must be positive")
        if source is target:
            raise ValueError("an account cannot transfer to itself")
        first, second = sorted([source, target], key=lambda a: a.number)
        with first.lock:
            with second.lock:
                if source._balance < amount:
                    raise InsufficientFunds(f"only {source._balance} left")
                source._balance -= amount
                target._balance += amount

    def total(self):
        return sum(account.balance for account in self._accounts)
