"""An unlocked collections.Counter: `self._counts["value"] += amount` reads and writes the dict in two steps.
"""

import threading
from collections import Counter as Tally


class Counter:
    def __init__(self, start=0):
        self._counts = Tally(value=start)

    def increment(self, amount=1):
        self._counts["value"] += amount

    def decrement(self, amount=1):
        self._counts["value"] -= amount

    @property
    def value(self):
        return self._counts["value"]


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
