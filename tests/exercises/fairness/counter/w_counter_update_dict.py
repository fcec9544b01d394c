"""collections.Counter.update with a dict and no lock (pure-Python loop in the stdlib)."""
import collections
import threading


class Counter:
    def __init__(self, start=0):
        self._c = collections.Counter({"v": start})

    def increment(self, amount=1):
        self._c.update({"v": amount})

    def decrement(self, amount=1):
        self._c.subtract({"v": amount})

    @property
    def value(self):
        return self._c["v"]


def count_concurrently(n_threads, increments_per_thread):
    c = Counter()
    ts = [threading.Thread(target=lambda: [c.increment() for _ in range(increments_per_thread)])
          for _ in range(n_threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return c.value
