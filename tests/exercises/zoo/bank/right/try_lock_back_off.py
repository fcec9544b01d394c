"""Try-lock and back off: take the source, try the target without waiting, and let go of both to retry if it is taken.
"""

import threading
import time


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
        while True:
            with source.lock:
                if target.lock.acquire(blocking=False):
                    try:
                        if source._balance < amount:
                            raise InsufficientFunds(f"only {source._balance} left")
                        source._balance -= amount
                        target._balance += amount
                        return
                    finally:
                        target.lock.release()
            time.sleep(0.001)  # let the other teller finish before trying again

    def total(self):
        with self._lock:
            accounts = list(self._accounts)
        while True:
            taken = []
            for account in accounts:
                if not account.lock.acquire(blocking=False):
                    break
                taken.append(account)
            else:
                money = sum(account._balance for account in accounts)
            for account in taken:
                account.lock.release()
            if len(taken) == len(accounts):
                return money
            time.sleep(0.001)
