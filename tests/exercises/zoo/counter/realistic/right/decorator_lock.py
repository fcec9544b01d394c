"""A synchronized decorator: one lock, made at import, that the decorator holds around every method.
"""

import functools
import threading

_lock = threading.RLock()  # one lock for every decorated method: increment and decrement exclude each other


def synchronized(method):
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        with _lock:
            return method(*args, **kwargs)

    return wrapper


class Counter:
    def __init__(self, start=0):
        self._value = start

    @synchronized
    def increment(self, amount=1):
        self._value += amount

    @synchronized
    def decrement(self, amount=1):
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
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counter.value
