"""A `synchronized` decorator whose lock lives in a closure; executor.map for the threads."""
import functools
import threading
from concurrent.futures import ThreadPoolExecutor


def synchronized(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._lock:
            return method(self, *args, **kwargs)
    return wrapper


class Counter:
    def __init__(self, start=0):
        self._lock = threading.Lock()
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

    def work(_):
        for _ in range(increments_per_thread):
            counter.increment()

    if n_threads <= 0:
        return 0
    with ThreadPoolExecutor(max_workers=n_threads) as pool:
        list(pool.map(work, range(n_threads)))
    return counter.value
