"""total() locks the accounts in list order, transfer() by number: accounts numbered by an
itertools.count and appended without a lock can be listed out of number order, and the two deadlock."""

import threading
import itertools


class InsufficientFunds(Exception):
    """Raised by ``Bank.transfer`` when the source account holds less than the amount."""


class Account:
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
    def __init__(self) -> None:
        self._numbers = itertools.count(1)   # next() on a count is atomic: no lock needed
        self._accounts = []

    def open_account(self, owner: str, balance: int = 0) -> Account:
        if balance < 0:
            raise ValueError("negative balance")
        account = Account(next(self._numbers), owner, balance)
        self._accounts.append(account)       # list.append is atomic too
        return account

    def transfer(self, source: Account, target: Account, amount: int) -> None:
        if amount <= 0 or source is target:
            raise ValueError("bad transfer")
        low, high = sorted((source, target), key=lambda a: a.number)
        with low.lock, high.lock:
            if source._balance < amount:
                raise InsufficientFunds("not enough money")
            source._balance -= amount
            target._balance += amount

    def total(self) -> int:
        accounts = list(self._accounts)      # in the order they were opened, i.e. by number
        for account in accounts:
            account.lock.acquire()
        try:
            return sum(account._balance for account in accounts)
        finally:
            for account in accounts:
                account.lock.release()
