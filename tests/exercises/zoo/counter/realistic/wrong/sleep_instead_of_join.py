"""Sleeps instead of joining: count_concurrently waits time.sleep(0.5) and hopes its threads are done.
"""

import threading
import time


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

    def work():
        for _ in range(increments_per_thread):
            counter.increment()

    for _ in range(n_threads):
        threading.Thread(target=work).start()
    time.sleep(0.5)  # plenty of time for a few increments
    return counter.value
