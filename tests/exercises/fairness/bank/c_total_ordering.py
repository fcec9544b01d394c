"""Accounts compare by number (functools.total_ordering), so plain sorted() gives the lock order, and one helper runs an action while holding the locks of any sorted accounts.
"""
from functools import total_ordering
import threading


class InsufficientFunds(Exception):
    """Raised by ``Bank.transfer`` when the source account holds less than the amount."""


@total_ordering
class Account:
    """One account: a unique ``number``, an ``owner`` (two accounts may share one), a balance."""

    def __init__(self, number: int, owner: str, balance: int = 0) -> None:
        self.number = number
        self.owner = owner
        self.lock = threading.Lock()  # guards _balance
        self._balance = balance

    # accounts are ordered by their number, never by owner (owners can repeat)
    def __eq__(self, other):
        return self is other

    def __lt__(self, other):
        return self.number < other.number

    __hash__ = object.__hash__

    @property
    def balance(self) -> int:
        with self.lock:
            return self._balance


def _while_holding(accounts, action):
    """Lock accounts[0], then accounts[1], ... (already sorted), call action(), unlock all."""
    taken = []
    try:
        for account in accounts:
            account.lock.acquire()
            taken.append(account)
        return action()
    finally:
        while taken:
            taken.pop().lock.release()


class Bank:
    def __init__(self) -> None:
        self.__accounts = []
        self.__open_lock = threading.Lock()

    def open_account(self, owner: str, balance: int = 0) -> Account:
        if balance < 0:
            raise ValueError("negative balance")
        with self.__open_lock:
            new = Account(len(self.__accounts) + 1, owner, balance)
            self.__accounts.append(new)
        return new

    def transfer(self, source: Account, target: Account, amount: int) -> None:
        if amount <= 0:
            raise ValueError("amount must be positive")
        if source == target:
            raise ValueError("same account")

        def move():
            if source._balance < amount:
                raise InsufficientFunds("not enough money")
            source._balance -= amount
            target._balance += amount

        _while_holding(sorted([source, target]), move)

    def total(self) -> int:
        with self.__open_lock:
            snapshot = sorted(self.__accounts)
        return _while_holding(snapshot, lambda: sum(a._balance for a in snapshot))
