"""ThreadPoolExecutor: count_concurrently submits one task per thread; a BoundedSemaphore(1) is the mutex.
"""

import threading
from concurrent.futures import ThreadPoolExecutor


class Counter:
    def __init__(self, start: int = 0) -> None:
        self._mutex = threading.BoundedSemaphore(1)
        self._value = start

    def increment(self, amount: int = 1) -> None:
        self._mutex.acquire()
        try:
            self._value += amount
        finally:
            self._mutex.release()

    def decrement(self, amount: int = 1) -> None:
        self.increment(-amount)

    @property
    def value(self) -> int:
        return self._value


def count_concurrently(n_threads: int, increments_per_thread: int) -> int:
    counter = Counter()

    def work() -> None:
        for _ in range(increments_per_thread):
            counter.increment()

    with ThreadPoolExecutor(max_workers=n_threads) as pool:
        futures = [pool.submit(work) for _ in range(n_threads)]
    for future in futures:
        future.result()  # re-raises anything a task raised
    return counter.value
