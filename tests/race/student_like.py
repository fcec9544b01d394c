"""Code written the way students write it: locks made at import time, names imported from threading."""

import threading
from threading import Lock, Thread
from time import sleep

print_lock = threading.Lock()
forks = [Lock() for _ in range(2)]


class Account:
    lock = Lock()  # one lock shared by every instance, made when the class is defined

    def __init__(self) -> None:
        self.balance = 0

    def deposit(self, amount: int) -> None:
        with Account.lock:
            current = self.balance
            sleep(0.01)  # from time import sleep: must run on the virtual clock
            self.balance = current + amount

    def deposit_unsafe(self, amount: int) -> None:
        current = self.balance
        sleep(0.01)
        self.balance = current + amount


def use_imported_locks() -> None:
    account = Account()
    threads = [Thread(target=account.deposit, args=(10,)) for _ in range(3)]
    for t in threads:
        t.start()
    with print_lock, forks[0], forks[1]:
        pass
    for t in threads:
        t.join()
    assert account.balance == 30


def racy_with_imported_lock() -> None:
    account = Account()
    threads = [Thread(target=account.deposit_unsafe, args=(10,)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert account.balance == 20
