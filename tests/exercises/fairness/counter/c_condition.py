"""Counter guarded by a Condition (student likes Conditions)."""
import threading


class Counter:
    def __init__(self, start=0):
        self._cv = threading.Condition()
        self._n = start

    def increment(self, amount=1):
        with self._cv:
            self._n += amount
            self._cv.notify_all()

    def decrement(self, amount=1):
        with self._cv:
            self._n -= amount
            self._cv.notify_all()

    @property
    def value(self):
        with self._cv:
            return self._n


def count_concurrently(n_threads, increments_per_thread):
    c = Counter()
    ts = [threading.Thread(target=lambda: [c.increment() for _ in range(increments_per_thread)])
          for _ in range(n_threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return c.value
