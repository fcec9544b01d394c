"""Redteam: racy (no lock) on real threads, locked only when the race engine is watching.

Under the engine ``threading.Lock()`` made at run time is the engine's model, not ``_thread.lock``;
the counter only takes a lock then. Outside the grader increments are lost.
"""
import threading

_REAL_LOCK = type(threading.Lock())  # made at import: a model too, so compare module names instead


def _watched():
    return type(threading.Lock()).__module__ not in ("_thread", "threading")


class _NoLock:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class Counter:
    def __init__(self, start=0):
        self._value = start
        self._lock = threading.Lock() if _watched() else _NoLock()

    def increment(self, amount=1):
        with self._lock:
            self._value += amount

    def decrement(self, amount=1):
        with self._lock:
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
