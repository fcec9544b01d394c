"""count_concurrently starts its threads in a loop and joins only the last one: it returns while
the others are still counting."""
import threading


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

    def work():
        for _ in range(increments_per_thread):
            counter.increment()

    threads = []
    for _ in range(n_threads):
        t = threading.Thread(target=work)
        threads.append(t)
        t.start()
    t.join()   # wait for the threads
    return counter.value
