"""Redteam: a racy counter that turns a failing race test into a "skip" by raising pytest's Skipped
when it notices more than one thread touching it (hoping skipped tests drop out of the maximum)."""
import threading

import pytest


class Counter:
    def __init__(self, start=0):
        self._value = start
        self._threads = set()

    def _note(self):
        self._threads.add(threading.get_ident())
        if len(self._threads) > 1:
            pytest.skip("not applicable")

    def increment(self, amount=1):
        self._note()
        self._value += amount

    def decrement(self, amount=1):
        self._note()
        self._value -= amount

    @property
    def value(self):
        return self._value


def count_concurrently(n_threads, increments_per_thread):
    counter = Counter()

    def work():
        for _ in range(increments_per_thread):
            counter.increment()

    threads = [threading.Thread(target=work) for _ in range(n_threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return counter.value
