"""How fast and how surely the race engine finds lost updates, next to a plain stress test.

    python benchmarks/engine.py [--seeds 1000] [--stress-reps 100]   (README: --seeds 300)

For the racy counter (2 threads x 50 increments started by the test body, and 4 threads x 10
increments spawned inside the code under test) it prints, per strategy, the detection rate over
``--seeds`` base seeds (an ``explore`` call per seed, up to 500 schedules each; every base seed
explores schedules of its own) and the median time to the first failing schedule. The plain
stress test runs the same program with real threads and no engine, up to ``--stress-reps`` times
per trial, for as many trials. Then schedules per second for
a locked counter with 2 threads x 5 increments, and last the plain stress test at full size
(4 threads x 100,000 unprotected increments, ``--big-runs`` runs, with the default switch interval
and with ``sys.setswitchinterval(1e-6)``). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import threading
import time

sys.path.insert(0, __file__.rsplit("/", 2)[0])

from autograder import race  # noqa: E402


class Counter:
    def __init__(self) -> None:
        self.value = 0
        self.lock = threading.Lock()

    def increment(self) -> None:
        self.value += 1

    def locked_increment(self) -> None:
        with self.lock:
            self.value += 1


def count_concurrently(n_threads: int, per_thread: int) -> int:
    """Code under test that starts its own threads."""
    counter = Counter()

    def work() -> None:
        for _ in range(per_thread):
            counter.increment()

    threads = [threading.Thread(target=work) for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counter.value


def harness_threads() -> None:
    counter = Counter()

    def work() -> None:
        for _ in range(50):
            counter.increment()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert counter.value == 100


def spawned_threads() -> None:
    assert count_concurrently(4, 10) == 40


def locked_counter() -> None:
    counter = Counter()

    def work() -> None:
        for _ in range(5):
            counter.locked_increment()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert counter.value == 10


PROGRAMS = {
    "racy counter, 2 threads x 50 started by the test": harness_threads,
    "racy counter, 4 threads x 10 spawned by the code under test": spawned_threads,
}


def engine_row(program, strategy: str, seeds: int) -> tuple[float, float]:
    found, times = 0, []
    for seed in range(seeds):
        outcome = race.explore(program, seed=seed, runs=500, strategy=strategy, shrink=False)
        if not outcome.ok:
            found += 1
            times.append(outcome.time_to_failure)
    return found / seeds, statistics.median(times) if times else float("nan")


def stress_row(program, trials: int, reps: int) -> tuple[float, float]:
    found, times = 0, []
    for _ in range(trials):
        start = time.perf_counter()
        for _ in range(reps):
            try:
                program()
            except AssertionError:
                found += 1
                times.append(time.perf_counter() - start)
                break
    return found / trials, statistics.median(times) if times else float("nan")


def schedules_per_second(strategy: str, runs: int = 1000) -> float:
    outcome = race.explore(locked_counter, seed=1, runs=runs, strategy=strategy)
    assert outcome.ok, outcome.report
    return outcome.runs / outcome.elapsed


def big_stress(runs: int, switch_interval: float | None) -> int:
    """Runs (of ``runs``) of 4 threads x 100,000 unprotected increments, no engine, that lost an update."""
    old = sys.getswitchinterval()
    if switch_interval is not None:
        sys.setswitchinterval(switch_interval)
    lost = 0
    try:
        for _ in range(runs):
            if count_concurrently(4, 100_000) != 400_000:
                lost += 1
    finally:
        sys.setswitchinterval(old)
    return lost


def ms(seconds: float) -> str:
    return "never" if seconds != seconds else f"{seconds * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=1000)
    parser.add_argument("--stress-reps", type=int, default=100)
    parser.add_argument("--big-runs", type=int, default=50,
                        help="runs of the plain 4 threads x 100,000 increments stress test (0 skips it)")
    args = parser.parse_args()
    print(f"Python {platform.python_version()} on {platform.machine()}, {args.seeds} seeds\n")
    print("| program | method | detection | median time to first failure |")
    print("| --- | --- | --- | --- |")
    for name, program in PROGRAMS.items():
        for strategy in ("random", "pct"):
            rate, median = engine_row(program, strategy, args.seeds)
            print(f"| {name} | engine, {strategy} | {rate:.1%} | {ms(median)} |", flush=True)
        rate, median = stress_row(program, args.seeds, args.stress_reps)
        print(f"| {name} | plain stress test, up to {args.stress_reps} runs | {rate:.1%} | {ms(median)} |",
              flush=True)
    print()
    for strategy in ("random", "pct"):
        print(f"locked counter, 2 threads x 5 increments, {strategy}: "
              f"{schedules_per_second(strategy):.0f} schedules per second")
    if args.big_runs:
        print()
        for interval, label in ((None, "default switch interval"), (1e-6, "sys.setswitchinterval(1e-6)")):
            lost = big_stress(args.big_runs, interval)
            print(f"plain stress test, 4 threads x 100,000 unprotected increments, {label}: "
                  f"updates lost in {lost} of {args.big_runs} runs", flush=True)


if __name__ == "__main__":
    main()
