"""A Thread subclass: each Incrementer thread's run() calls increment(); the counter guards itself with a Lock.
"""

import threading


class Counter:
    def __init__(self, start=0):
        self.lock = threading.Lock()
        self.count = start

    def increment(self, amount=1):
        self.lock.acquire()
        try:
            self.count = self.count + amount
        finally:
            self.lock.release()

    def decrement(self, amount=1):
        self.increment(-amount)

    @property
    def value(self):
        return self.count


class Incrementer(threading.Thread):
    def __init__(self, counter, times):
        super().__init__()
        self.counter = counter
        self.times = times

    def run(self):
        for _ in range(self.times):
            self.counter.increment()


def count_concurrently(n_threads, increments_per_thread):
    counter = Counter()
    workers = [Incrementer(counter, increments_per_thread) for _ in range(n_threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return counter.value
