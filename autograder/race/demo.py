"""A short demonstration of the race engine: python -m autograder.race.demo"""

from __future__ import annotations

import threading

from autograder import race


class Counter:
    def __init__(self) -> None:
        self.value = 0

    def increment(self) -> None:
        self.value += 1


class SafeCounter(Counter):
    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()

    def increment(self) -> None:
        with self._lock:
            self.value += 1


def scenario(counter_class: type[Counter]):
    def body() -> None:
        counter = counter_class()

        def work() -> None:
            for _ in range(50):
                counter.increment()

        threads = [threading.Thread(target=work) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert counter.value == 100, f"{100 - counter.value} of 100 increments were lost"

    body.__qualname__ = f"{counter_class.__name__.lower()}_body"
    return body


HERE = [__file__]  # this file lives in the grader package, which is out of scope by default


def main() -> int:
    racy = race.explore(scenario(Counter), seed=2026, scope=HERE)
    print("== An unsynchronized counter, 2 threads x 50 increments ==")
    print(f"found a {racy.kind} after {racy.runs} schedule(s), in {racy.time_to_failure * 1000:.0f} ms\n")
    print(racy.report)
    again = race.replay(scenario(Counter), racy.seed, scope=HERE)
    print(f"\nreplayed: same report byte for byte: {again.report == racy.report}\n")
    safe = race.explore(scenario(SafeCounter), seed=2026, runs=300, scope=HERE)
    print("== The same counter with a lock ==")
    print(safe.report)
    return 0 if (not racy.ok and safe.ok) else 1


if __name__ == "__main__":
    raise SystemExit(main())
