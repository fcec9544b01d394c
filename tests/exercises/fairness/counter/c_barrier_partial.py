"""Threads line up on a Barrier before counting; work bound with functools.partial."""
import functools
import threading


class Counter:
    def __init__(self, start=0):
        self._mutex = threading.Lock()
        self._value = start

    def _add(self, delta):
        self._mutex.acquire()
        try:
            self._value += delta
        finally:
            self._mutex.release()

    def increment(self, amount=1):
        self._add(amount)

    def decrement(self, amount=1):
        self._add(-amount)

    @property
    def value(self):
        return self._value


def _work(counter, barrier, times):
    barrier.wait()
    for _ in range(times):
        counter.increment()


def count_concurrently(n_threads, increments_per_thread):
    counter = Counter()
    if n_threads < 1:
        return 0
    barrier = threading.Barrier(n_threads)
    threads = [threading.Thread(target=functools.partial(_work, counter, barrier, increments_per_thread))
               for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counter.value
