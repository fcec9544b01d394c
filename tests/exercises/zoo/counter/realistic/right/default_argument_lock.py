"""A lock in a default argument: `def increment(self, amount=1, lock=threading.Lock())`, made once at import.
"""

import threading

_shared = threading.Lock()


class Counter:
    def __init__(self, start=0):
        self._value = start

    def increment(self, amount=1, lock=_shared):
        with lock:
            self._value += amount

    def decrement(self, amount=1, lock=_shared):
        with lock:
            self._value -= amount

    @property
    def value(self):
        return self._value


def count_concurrently(n_threads, increments_per_thread):
    counter = Counter()
    threads = []
    for _ in range(n_threads):
        t = threading.Thread(target=lambda: [counter.increment() for _ in range(increments_per_thread)])
        threads.append(t)
        t.start()
    for t in threads:
        t.join()
    return counter.value
