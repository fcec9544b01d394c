"""A dataclass: the lock is a field made per instance with field(default_factory=threading.Lock).
"""

import threading
from dataclasses import dataclass, field


@dataclass
class Counter:
    _value: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def increment(self, amount: int = 1) -> None:
        with self._lock:
            self._value += amount

    def decrement(self, amount: int = 1) -> None:
        with self._lock:
            self._value -= amount

    @property
    def value(self) -> int:
        return self._value


def count_concurrently(n_threads: int, increments_per_thread: int) -> int:
    counter = Counter()
    threads = [threading.Thread(target=lambda: [counter.increment() for _ in range(increments_per_thread)])
               for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counter.value
