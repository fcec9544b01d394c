"""ThreadPoolExecutor() without max_workers: a pool of at most 32 threads (5 or 6 on a small
machine) runs count_concurrently's n_threads tasks, so it never starts n_threads threads."""
import threading
from concurrent.futures import ThreadPoolExecutor


class Counter:
    def __init__(self, start: int = 0) -> None:
        self._value = start
        self._lock = threading.Lock()

    def increment(self, amount: int = 1) -> None:
        with self._lock:
            self._value += amount

    def decrement(self, amount: int = 1) -> None:
        with self._lock:
            self._value -= amount

    @property
    def value(self) -> int:
        with self._lock:
            return self._value


def count_concurrently(n_threads: int, increments_per_thread: int) -> int:
    counter = Counter()

    def work() -> None:
        for _ in range(increments_per_thread):
            counter.increment()

    with ThreadPoolExecutor() as pool:          # the with block joins the workers
        for future in [pool.submit(work) for _ in range(n_threads)]:
            future.result()
    return counter.value
