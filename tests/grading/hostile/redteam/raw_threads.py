"""Redteam: a racy counter whose count_concurrently starts its threads with ``_thread.start_new_thread``
and waits on raw ``_thread`` locks, hoping the engine neither sees nor interleaves them."""
import _thread
import threading


class Counter:
    def __init__(self, start=0):
        self._value = start

    def increment(self, amount=1):
        self._value += amount

    def decrement(self, amount=1):
        self._value -= amount

    @property
    def value(self):
        return self._value


def count_concurrently(n_threads, increments_per_thread):
    counter = Counter()
    done = []

    def work(lock):
        for _ in range(increments_per_thread):
            counter.increment()
        lock.release()

    for _ in range(n_threads):
        lock = _thread.allocate_lock()
        lock.acquire()
        done.append(lock)
        _thread.start_new_thread(work, (lock,))
    for lock in done:
        lock.acquire()
    return counter.value


_ = threading  # the starter's import
