"""BoundedSemaphore with a timeout loop: a BoundedSemaphore(1) as the mutex, acquired with a timeout in a retry loop."""
import threading


class Counter:
    def __init__(self, start: int = 0) -> None:
        self._value = start
        self._mutex = threading.BoundedSemaphore(1)

    def _locked(self):
        while not self._mutex.acquire(timeout=0.05):
            pass  # try again

    def increment(self, amount: int = 1) -> None:
        self._locked()
        try:
            self._value += amount
        finally:
            self._mutex.release()

    def decrement(self, amount: int = 1) -> None:
        self._locked()
        try:
            self._value -= amount
        finally:
            self._mutex.release()

    @property
    def value(self) -> int:
        self._locked()
        try:
            return self._value
        finally:
            self._mutex.release()


def count_concurrently(n_threads: int, increments_per_thread: int) -> int:
    counter = Counter()

    def work():
        for _ in range(increments_per_thread):
            counter.increment()

    threads = [threading.Thread(target=work) for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counter.value
