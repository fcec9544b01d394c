"""A sequential loop instead of threads: the right number, but nothing runs at the same time.
"""

import threading


class Counter:
    def __init__(self, start=0):
        self._value = start
        self._lock = threading.Lock()

    def increment(self, amount=1):
        with self._lock:
            self._value += amount

    def decrement(self, amount=1):
        with self._lock:
            self._value -= amount

    @property
    def value(self):
        with self._lock:
            return self._value


def count_concurrently(n_threads, increments_per_thread):
    counter = Counter()
    for _ in range(n_threads * increments_per_thread):
        counter.increment()
    return counter.value
