"""Wrong: the count is a class attribute, so every Counter shares one value."""
import threading


class Counter:
    total = 0
    _lock = threading.Lock()

    def __init__(self, start=0):
        with Counter._lock:
            Counter.total += start

    def increment(self, amount=1):
        with Counter._lock:
            Counter.total += amount

    def decrement(self, amount=1):
        with Counter._lock:
            Counter.total -= amount

    @property
    def value(self):
        return Counter.total


def count_concurrently(n_threads, increments_per_thread):
    c = Counter()
    ts = [threading.Thread(target=lambda: [c.increment() for _ in range(increments_per_thread)])
          for _ in range(n_threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return c.value
