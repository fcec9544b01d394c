"""Transfers lock both accounts in the order of their numbers, but open_account numbers a new account
len(accounts) + 1 without a lock: two tellers opening at once give two accounts one number (and
transfers between those two then tie in the lock order, so opposite ones can deadlock)."""

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

    def open_account(self, owner, balance=0):
        if balance < 0:
            raise ValueError("an account cannot start below zero")
        account = Account(len(self._accounts) + 1, owner, balance)
        self._accounts.append(account)
        return account

    def transfer(self, source, target, amount):
        if amount <= 0:
            raise ValueError("amount must be positive")
        if source is target:
            raise ValueError("cannot transfer to the same account")
        first, second = sorted((source, target), key=lambda a: a.number)
        with first.lock, second.lock:
            if source._balance < amount:
                raise InsufficientFunds(f"account {source.number} holds less than {amount}")
            source._balance -= amount
            target._balance += amount

    def total(self):
        accounts = sorted(self._accounts, key=lambda a: a.number)
        for a in accounts:
            a.lock.acquire()
        try:
            return sum(a._balance for a in accounts)
        finally:
            for a in reversed(accounts):
                a.lock.release()
