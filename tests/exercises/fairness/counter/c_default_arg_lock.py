"""Lock made at import as a default argument of a module helper, plus a dataclass."""
import threading
from dataclasses import dataclass, field


def _locked_add(box, amount, _lock=threading.Lock()):
    with _lock:
        box[0] += amount


@dataclass
class Counter:
    start: int = 0
    _box: list = field(init=False)

    def __post_init__(self):
        self._box = [self.start]

    def increment(self, amount=1):
        _locked_add(self._box, amount)

    def decrement(self, amount=1):
        _locked_add(self._box, -amount)

    @property
    def value(self):
        return self._box[0]


def count_concurrently(n_threads, increments_per_thread):
    c = Counter()
    ts = []
    for _ in range(n_threads):
        t = threading.Thread(target=lambda: [c.increment() for _ in range(increments_per_thread)])
        t.start()
        ts.append(t)
    for t in ts:
        t.join()
    return c.value
