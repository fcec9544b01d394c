"""The list of accounts is a class attribute: every bank shares it, and one bank's total counts another's accounts.
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
    accounts = []
    numbers_lock = threading.Lock()

    def open_account(self, owner, balance=0):
        if balance < 0:
            raise ValueError("an account cannot open below zero")
        with Bank.numbers_lock:
            account = Account(len(Bank.accounts) + 1, owner, balance)
            Bank.accounts.append(account)
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
        accounts = list(Bank.accounts)
        for account in accounts:
            account.lock.acquire()
        money = sum(account._balance for account in accounts)
        for account in accounts:
            account.lock.release()
        return money
