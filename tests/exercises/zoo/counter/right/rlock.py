"""RLock: a re-entrant lock, so increment can call decrement while it holds the lock.

count_concurrently uses a Thread subclass whose run() does the increments.
"""

import threading


class Counter:
    def __init__(self, start=0):
        self._lock = threading.RLock()
        self._count = start

    def increment(self, amount=1):
        with self._lock:
            self.decrement(-amount)  # takes the same RLock again: fine for an RLock

    def decrement(self, amount=1):
        with self._lock:
            self._count = self._count - amount

    @property
    def value(self):
        return self._count


class Worker(threading.Thread):
    def __init__(self, counter, times):
        super().__init__()
        self.counter = counter
        self.times = times

    def run(self):
        for _ in range(self.times):
            self.counter.increment()


def count_concurrently(n_threads, increments_per_thread):
    counter = Counter()
    workers = [Worker(counter, increments_per_thread) for _ in range(n_threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return counter.value
