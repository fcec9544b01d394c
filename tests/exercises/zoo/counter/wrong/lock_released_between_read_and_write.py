"""The lock is released between the read and the write: the read-modify-write is still split.
"""

import threading


class Counter:
    def __init__(self, start=0):
        self._value = start
        self._lock = threading.Lock()

    def _read(self):
        with self._lock:
            return self._value

    def _write(self, value):
        with self._lock:
            self._value = value

    def increment(self, amount=1):
        self._write(self._read() + amount)

    def decrement(self, amount=1):
        self._write(self._read() - amount)

    @property
    def value(self):
        return self._read()


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
