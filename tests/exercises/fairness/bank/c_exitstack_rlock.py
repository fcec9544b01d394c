"""Each account gets an RLock and one helper enters the locks of any accounts, sorted by number, through a contextlib.ExitStack; transfer and total() both use it.
"""
import contextlib
import threading


class InsufficientFunds(Exception):
    """Raised by ``Bank.transfer`` when the source account holds less than the amount."""


class Account:
    """One account: a unique ``number``, an ``owner`` (two accounts may share one), a balance."""

    def __init__(self, number: int, owner: str, balance: int = 0) -> None:
        self.number = number
        self.owner = owner
        self.lock = threading.RLock()  # RLock so my helper can't trip over itself
        self._balance = balance

    @property
    def balance(self) -> int:
        with self.lock:
            return self._balance


@contextlib.contextmanager
def holding(*accounts):
    """Hold the locks of all the given accounts, lowest number first."""
    with contextlib.ExitStack() as stack:
        for acc in sorted(accounts, key=lambda a: a.number):
            stack.enter_context(acc.lock)
        yield


class Bank:
    def __init__(self):
        self._accts = {}
        self._numbers = threading.Lock()

    def open_account(self, owner, balance=0):
        if balance < 0:
            raise ValueError(f"negative opening balance: {balance}")
        with self._numbers:
            n = len(self._accts) + 1
            self._accts[n] = Account(n, owner, balance)
            return self._accts[n]

    def transfer(self, source, target, amount):
        if not amount > 0:
            raise ValueError("amount must be > 0")
        if source.number == target.number:
            raise ValueError("source and target are the same account")
        with holding(source, target):
            if source._balance < amount:
                raise InsufficientFunds(amount)
            source._balance -= amount
            target._balance += amount

    def total(self):
        with self._numbers:
            accts = list(self._accts.values())
        with holding(*accts):
            return sum(a._balance for a in accts)
