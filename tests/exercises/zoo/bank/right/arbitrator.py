"""Arbitrator: one Condition hands out both accounts at once (a waiter seats a philosopher when both forks are free).
"""

import threading


class InsufficientFunds(Exception):
    pass


class Account:
    def __init__(self, number, owner, balance, bank):
        self.number = number
        self.owner = owner
        self._balance = balance
        self._bank = bank

    @property
    def balance(self):
        with self._bank._desk:
            return self._balance


class Bank:
    def __init__(self):
        self._accounts = []
        self._busy = set()
        self._desk = threading.Condition()

    def open_account(self, owner, balance=0):
        if balance < 0:
            raise ValueError("an account cannot open below zero")
        with self._desk:
            account = Account(len(self._accounts) + 1, owner, balance, self)
            self._accounts.append(account)
        return account

    def transfer(self, source, target, amount):
        if amount <= 0:
            raise ValueError("the amount must be positive")
        if source is target:
            raise ValueError("an account cannot transfer to itself")
        with self._desk:
            self._desk.wait_for(lambda: source not in self._busy and target not in self._busy)
            if source._balance < amount:
                raise InsufficientFunds(f"only {source._balance} left")
            self._busy.update((source, target))
        try:
            source._balance -= amount
            target._balance += amount
        finally:
            with self._desk:
                self._busy.difference_update((source, target))
                self._desk.notify_all()

    def total(self):
        with self._desk:
            self._desk.wait_for(lambda: not self._busy)
            return sum(account._balance for account in self._accounts)
