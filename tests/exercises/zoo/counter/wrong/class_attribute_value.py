"""A class attribute shared by every instance: all counters share one count.
"""

import threading


class Counter:
    _value = 0
    _lock = threading.Lock()

    def __init__(self, start=0):
        Counter._value = start

    def increment(self, amount=1):
        with Counter._lock:
            Counter._value += amount

    def decrement(self, amount=1):
        with Counter._lock:
            Counter._value -= amount

    @property
    def value(self):
        return Counter._value


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
