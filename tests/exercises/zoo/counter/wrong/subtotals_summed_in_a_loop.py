"""Per-thread subtotals summed by a Python loop over dict.values(): a reader raises RuntimeError
(dictionary changed size during iteration) when a thread adds its first subtotal meanwhile."""
import threading


class Counter:
    def __init__(self, start: int = 0) -> None:
        self._start = start
        self._per_thread = {}

    def _add(self, amount):
        me = threading.get_ident()
        self._per_thread[me] = self._per_thread.get(me, 0) + amount

    def increment(self, amount: int = 1) -> None:
        self._add(amount)

    def decrement(self, amount: int = 1) -> None:
        self._add(-amount)

    @property
    def value(self) -> int:
        total = self._start
        for subtotal in self._per_thread.values():
            total += subtotal
        return total


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
