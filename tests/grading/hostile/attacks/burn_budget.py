"""A racy counter that burns steps whenever another thread runs, so that the engine's first schedule
runs out of its step budget before the test can check anything (that verdict used to pass)."""
import threading


def _settle():
    n = 0
    for i in range(30000):  # its locals change every round: not a busy-wait
        n += i
    return n


class Counter:
    def __init__(self, start=0):
        self._value = start

    def increment(self, amount=1):
        value = self._value
        if threading.active_count() > 1:
            _settle()
        self._value = value + amount

    def decrement(self, amount=1):
        value = self._value
        if threading.active_count() > 1:
            _settle()
        self._value = value - amount

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
