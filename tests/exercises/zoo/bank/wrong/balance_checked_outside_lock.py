"""Checks the balance before taking the locks: two transfers both see enough money and both take it.
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
        if source.balance < amount:
            raise InsufficientFunds(f"only {source.balance} left")
        first, second = sorted([source, target], key=lambda a: a.number)
        with first.lock:
            with second.lock:
                source._balance -= amount
                target._balance += amount

    def total(self):
        with self._lock:
            accounts = list(self._accounts)
        for account in accounts:
            account.lock.acquire()
        money = sum(account._balance for account in accounts)
        for account in accounts:
            account.lock.release()
        return money
