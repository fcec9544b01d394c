"""One class-level RLock made at import, shared by every counter (coarse but correct)."""
import threading


class Counter:
    _lock = threading.RLock()

    def __init__(self, start=0):
        self._v = start

    def increment(self, amount=1):
        with Counter._lock:
            self._v = self._v + amount

    def decrement(self, amount=1):
        with self._lock:
            self.increment(-amount)

    value = property(lambda self: self._v)


class Worker(threading.Thread):
    def __init__(self, counter, times):
        super().__init__()
        self.counter, self.times = counter, times

    def run(self):
        for _ in range(self.times):
            self.counter.increment()


def count_concurrently(n_threads, increments_per_thread):
    c = Counter()
    workers = [Worker(c, increments_per_thread) for _ in range(n_threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return c.value
