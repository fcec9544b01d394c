"""Condition: the counter's Condition serves as its lock; a Barrier starts every worker together.
"""

from threading import Barrier, Condition, Thread


class Counter:
    def __init__(self, start=0):
        self._changed = Condition()
        self._value = start

    def _add(self, delta):
        with self._changed:
            self._value += delta
            self._changed.notify_all()

    def increment(self, amount=1):
        self._add(amount)

    def decrement(self, amount=1):
        self._add(-amount)

    @property
    def value(self):
        with self._changed:
            return self._value


def count_concurrently(n_threads, increments_per_thread):
    counter = Counter()
    ready = Barrier(n_threads)

    def work():
        ready.wait()  # nobody starts counting before everybody is there
        for _ in range(increments_per_thread):
            counter.increment()

    threads = [Thread(target=work) for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counter.value
