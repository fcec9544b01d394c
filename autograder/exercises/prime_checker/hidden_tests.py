"""Hidden suite for prime_checker.py: 25 points.

``is_prime`` is checked with one thread; ``check_primes`` under the race engine, with the module's
``is_prime`` replaced by a recording stand-in that takes a moment of the engine's virtual clock
(so worker threads that can overlap do) and returns the right answer (so a slip in ``is_prime``
costs points only in its own tests). ``count_primes_parallel`` runs real worker processes, never
under the engine: a stand-in for ``is_prime`` notes which process calls it, and every call has a
time limit.

For instructors: every requirement of the task (assignments/prime_checker/README.md) and the
hidden tests that check it, on every seed (fixed edge cases; the seed's data only adds more):

* `is_prime`: False below 2 (0, 1, negatives), right for small numbers
  -> test_is_prime_small_numbers_and_negatives
* `is_prime`: squares of primes (the `<` slip), products, larger numbers
  -> test_is_prime_squares_products_and_large_numbers
* `check_primes`: every number checked exactly once, by the module's `is_prime`; `{n:
  is_prime(n)}`
  -> test_check_primes_checks_every_number_once, test_check_primes_edges
* its `n_threads` threads run at the same time (no lock around `is_prime`)
  -> test_check_primes_runs_its_threads_at_the_same_time
* start all, then join all, before returning
  -> test_check_primes_joins_its_threads
* each call has its own pool and results
  -> test_two_calls_at_once_keep_their_own_numbers
* `count_primes_in_range(start, stop)`
  -> test_count_primes_parallel_counts_right
* `count_primes_parallel(limit, n_processes)`: the count below `limit`
  -> test_count_primes_parallel_counts_right
* ... computed in `n_processes` worker processes (any start method)
  -> test_count_primes_parallel_uses_worker_processes
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
import warnings
from pathlib import Path

import pytest

from autograder import race
from autograder.exercises.harness import Overlap, fail, new_threads_alive, plain, plural, solo, when_stuck
from autograder.exercises.prime_checker.probe import announcing, instrumented_copy, pids
from autograder.testing import expect, note, race_check

STUDENT_MODULE = "prime_checker"

SMALL_PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47]
PROCESS_TIME_LIMIT = 60.0  # seconds for one call of count_primes_parallel


def prime(n: int) -> bool:
    """The right answer (the grader's own, not the student's)."""
    if n < 2:
        return False
    if n % 2 == 0:
        return n == 2
    divisor = 3
    while divisor * divisor <= n:
        if n % divisor == 0:
            return False
        divisor += 2
    return True


def _primes_below(limit: int) -> int:
    if limit < 3:
        return 0
    sieve = bytearray([1]) * limit
    sieve[0:2] = b"\x00\x00"
    for n in range(2, int(limit ** 0.5) + 1):
        if sieve[n]:
            sieve[n * n::n] = bytearray(len(range(n * n, limit, n)))
    return sum(sieve)


def _is_prime(student, n: int) -> bool:
    """``student.is_prime(n)``, accepted only as a plain bool."""
    return plain(student.is_prime(n), bool, f"is_prime({n})")


def _check_is_prime(student, numbers: list[int], why: str = "") -> None:
    wrong = [n for n in numbers if _is_prime(student, n) != prime(n)]
    if wrong:
        n = wrong[0]
        fail(f"is_prime({n}) returned {_is_prime(student, n)!r}, but {n} is {'' if prime(n) else 'not '}a prime"
             f"{why}. ({len(wrong)} of {len(numbers)} numbers checked were answered wrongly.)")


# checked on every seed: the data of a seed only adds cases
FIXED_BELOW_TWO = [-1, -2, -3, -4, -7, -13, -97, -100, -7919, 0, 1]
FIXED_SMALL = list(range(2, 60))
FIXED_SQUARES = [p * p for p in SMALL_PRIMES]  # 4, 9, 25, 49, ... 2209
FIXED_PRODUCTS = [6, 15, 35, 77, 91, 143, 221, 323, 437, 667, 899, 1147, 1517, 2021, 561, 1105]  # 561: Carmichael
FIXED_LARGE = [7919, 7921, 7917, 65_537, 65_536, 104_729, 104_730]


@pytest.mark.points(2)
def test_is_prime_small_numbers_and_negatives(student, fake):
    """is_prime is False below 2 (0, 1 and every negative number) and right for small numbers."""
    below_two = FIXED_BELOW_TWO + [-fake.random_int(2, 10_000) for _ in range(5)]
    small = FIXED_SMALL + [fake.random_int(60, 200) for _ in range(8)]

    def body():
        _check_is_prime(student, below_two, why=" (no number below 2 is prime: not 0, not 1, not a negative number)")
        _check_is_prime(student, small)

    solo(body, max_steps=2_000_000)


@pytest.mark.points(3)
def test_is_prime_squares_products_and_large_numbers(student, fake):
    """is_prime is right for squares of primes, products of two primes and larger numbers."""
    squares = FIXED_SQUARES + [p * p for p in fake.random_elements([53, 59, 61, 67, 71, 73], length=2, unique=True)]
    products = FIXED_PRODUCTS + [p * q for p, q in zip(fake.random_elements(SMALL_PRIMES, length=3),
                                                       fake.random_elements(SMALL_PRIMES, length=3))]
    large = FIXED_LARGE + [fake.random_int(1_000, 50_000) for _ in range(10)]
    numbers = squares + products + large

    def body():
        square_wrong = [n for n in squares if _is_prime(student, n)]
        if square_wrong:
            n = square_wrong[0]
            root = round(n ** 0.5)
            fail(f"is_prime({n}) returned True, but {n} = {root} x {root}. A loop `while d * d < n` stops just "
                 "before the divisor it needs: use `<=`.")
        _check_is_prime(student, numbers)

    solo(body, max_steps=5_000_000)


# ------------------------------------------------------------------------- check_primes


class _Recorder:
    """Stands in for the module's is_prime inside check_primes; a fresh Overlap per schedule."""

    def __init__(self, student, monkeypatch, seconds: float = 0.1, slow: dict[int, float] | None = None,
                 timeline: bool = False) -> None:
        self.timeline = timeline
        self.calls = Overlap(timeline)
        self.seconds = seconds
        self.slow = slow or {}  # numbers whose check takes longer: {n: seconds}

        def is_prime(n: int) -> bool:
            if type(n) is not int:  # an int subclass could answer the suite's `in` and `==` as it likes
                raise TypeError(f"is_prime() takes a plain int, not {type(n).__name__}: pass the numbers you were "
                                "given")
            self.calls.enter(n)
            try:
                seconds = self.slow.get(n, self.seconds)
                if seconds:
                    time.sleep(seconds)  # the engine's virtual clock: other workers run meanwhile
                else:
                    race.checkpoint("is_prime: checking")  # no time passes, but another thread may run
            finally:
                self.calls.leave()
            return prime(n)

        monkeypatch.setattr(student, "is_prime", is_prime)

    def reset(self) -> Overlap:
        self.calls = Overlap(self.timeline)
        return self.calls


def _numbers(fake, n: int) -> list[int]:
    picked: set[int] = set()
    while len(picked) < n:
        picked.add(fake.random_element([fake.random_int(2, 400), fake.random_element(SMALL_PRIMES) ** 2]))
    return sorted(picked, key=lambda _: fake.random_int(0, 1_000_000))


def _check_results(result, numbers: list[int], calls: Overlap, call: str,
                   left: list[threading.Thread] | None = None) -> None:
    if left:
        fail(f"{plural(len(left), 'thread was', 'threads were')} still running when {call} returned: join every "
             "thread (a plain `join()`, without a timeout; no `sleep` instead) before you return the results.",
             idea="join")
    twice = calls.repeated()
    if twice:
        fail(f"{call} checked {plural(len(twice), 'number')} more than once, for example {twice[0]}: two threads "
             "took the same number from the pool. Taking a number must be one atomic step.", idea="work-twice")
    if not calls.args and numbers:
        fail(f"{call} never called is_prime: every number must be checked by calling the module's is_prime.")
    skipped = [n for n in numbers if n not in calls.args]
    if skipped:
        fail(f"{call} never checked {len(skipped)} of the {len(numbers)} numbers, for example {skipped[0]}: a "
             "number was skipped when two threads moved through the pool at once.", idea="work-twice")
    plain(result, dict, call)
    lost = [n for n in numbers if n not in result]
    if lost:
        fail(f"{len(lost)} of {len(numbers)} results were lost: {call} returned no answer for {lost[0]}, although it "
             "was checked. When threads store results, each must add to the one shared dict (under a lock, or "
             "with a single `results[n] = answer`); rebuilding the dict or list (`results = {**results, ...}`) "
             "throws away what other threads added meanwhile.", idea="read-modify-write")
    extra = [n for n in result if n not in numbers]
    if extra:
        fail(f"{call} returned an answer for {extra[0]}, which it was not asked about.", idea="shared-state")
    wrong = [n for n in numbers if result[n] != prime(n)]
    if wrong:
        fail(f"{call} says {wrong[0]} is {'' if result[wrong[0]] else 'not '}a prime, but is_prime said otherwise: "
             "a thread stored its answer under another thread's number.", idea="read-modify-write")


@pytest.mark.points(5)
def test_check_primes_checks_every_number_once(student, fake, monkeypatch):
    """check_primes checks every number exactly once and loses no result."""
    numbers = _numbers(fake, 8)
    n_threads = fake.random_int(2, 4)
    recorder = _Recorder(student, monkeypatch, seconds=0)  # the threads stay runnable and interleave finely
    call = f"check_primes({len(numbers)} numbers, n_threads={n_threads})"

    def body():
        calls = recorder.reset()
        before = set(threading.enumerate())
        result = student.check_primes(list(numbers), n_threads)
        _check_results(result, numbers, calls, call, new_threads_alive(before))

    crashed = when_stuck(f"The threads of {call} never finished.",
                         crashed=f"A worker thread of {call} crashed with {{error}}: between looking at the pool and "
                                 "taking a number from it, another thread changed the pool. Looking and taking must be "
                                 "one atomic step (under a lock), or let a queue.Queue hand out the numbers.")
    race_check(body, runs=40, idea="work-twice", max_steps=100_000, what=crashed)


@pytest.mark.points(3)
def test_check_primes_runs_its_threads_at_the_same_time(student, fake, monkeypatch):
    """check_primes really runs n_threads threads, and they check numbers at the same time."""
    n_threads = fake.random_int(2, 4)
    numbers = _numbers(fake, 2 * n_threads + 1)
    recorder = _Recorder(student, monkeypatch)
    call = f"check_primes({len(numbers)} numbers, n_threads={n_threads})"

    def body():
        calls = recorder.reset()
        student.check_primes(list(numbers), n_threads)
        main = threading.current_thread()
        expect(main not in calls.threads,
               f"{call} checked numbers in the calling thread: call start(), not run(), so that the worker "
               "threads do the checking.", idea="real-concurrency")
        expect(calls.most >= 2,
               f"The threads of {call} never checked two numbers at the same time: each waited for the one before. "
               "Start all the threads before joining any, and hold the lock only to take a number or store a "
               "result, never while is_prime runs.", idea="lock-scope")
        workers = set(calls.threads)
        expect(len(workers) == n_threads,
               f"{call} should let {n_threads} threads check numbers; {plural(len(workers), 'thread')} did.",
               idea="real-concurrency")

    race_check(body, runs=5, max_steps=100_000)

    # one pool, not a fixed share per thread: the numbers a fixed share would give the first thread (every
    # n_threads-th one, or the first block) are slow; a thread that finishes its easy numbers must go on
    # taking numbers while others still wait in the pool
    wide = max(n_threads, 3)
    spread = _numbers(fake, 4 * wide)
    slow = {spread[i]: 1.0 for i in {*range(0, len(spread), wide), *range(4)}}
    paced = _Recorder(student, monkeypatch, seconds=0.01, slow=slow, timeline=True)
    shared = f"check_primes({len(spread)} numbers, n_threads={wide})"

    def one_pool():
        calls = paced.reset()
        student.check_primes(list(spread), wide)
        idle, running, waiting = calls.idle_while_waiting(wide, len(spread))
        expect(idle < 0.5,
               f"{shared}, with {len(slow)} of the numbers taking 1 s to check and the others 0.01 s: for {idle:.1f} s "
               f"only {running} of the {wide} threads checked numbers while {plural(waiting, 'number')} still waited. "
               "The threads should share one pool, each taking the next number as soon as it is free, not each work "
               "through a fixed share of the numbers.", idea="shared-pool")

    race_check(one_pool, runs=3, max_steps=100_000)


@pytest.mark.points(2)
def test_check_primes_joins_its_threads(student, fake, monkeypatch):
    """check_primes waits for its threads before it returns."""
    numbers = _numbers(fake, 9)
    # every check takes 2 s of the engine's virtual clock, 6 s or more per thread: a join with a
    # timeout, or a sleep, returns while the threads are still checking
    recorder = _Recorder(student, monkeypatch, seconds=2.0)

    def body():
        recorder.reset()
        before = set(threading.enumerate())
        result = student.check_primes(list(numbers), 3)
        left = new_threads_alive(before)
        expect(not left,
               f"{plural(len(left), 'thread was', 'threads were')} still running when check_primes returned: join "
               "every thread (a plain `join()`, without a timeout; no `sleep` instead) before you return the "
               "results.", idea="join")
        got = plain(result, dict, "check_primes")
        # judged against the numbers its threads checked, not all of them: a number a shared-index race
        # skipped is that race's lesson (test_check_primes_checks_every_number_once), not this one's
        checked = set(recorder.calls.args)
        missing = [n for n in numbers if n in checked and n not in got]
        if missing:
            fail(f"check_primes returned {len(got)} results, but its threads had checked {len(checked)} numbers: "
                 f"{missing[0]} was checked and is missing from the results, so it returned before its threads "
                 "finished.", idea="join")

    race_check(body, runs=5, max_steps=100_000)


@pytest.mark.points(3)
def test_two_calls_at_once_keep_their_own_numbers(student, fake, monkeypatch):
    """Two threads calling check_primes at the same time each get exactly their own results."""
    numbers = _numbers(fake, 8)
    first, second = numbers[:4], numbers[4:]
    recorder = _Recorder(student, monkeypatch)

    def body():
        recorder.reset()
        results = {}

        def caller(name, mine):
            results[name] = student.check_primes(list(mine), 2)

        threads = [threading.Thread(target=caller, args=("first", first)),
                   threading.Thread(target=caller, args=("second", second))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for name, mine in (("first", first), ("second", second)):
            got = plain(results.get(name), dict, "check_primes")
            keys = sorted(got)
            if keys != sorted(mine):
                fail(f"Two threads called check_primes at the same time, with {sorted(first)} and {sorted(second)}. "
                     f"The {name} call returned answers for {keys}, instead of exactly {sorted(mine)}. Each call "
                     "needs its own pool and its own results: make them inside the function, not at the top of the "
                     "module.", idea="shared-state")

    race_check(body, runs=10, idea="shared-state", max_steps=100_000)


@pytest.mark.points(2)
def test_check_primes_edges(student, fake, monkeypatch):
    """check_primes with no numbers, with more threads than numbers, with one thread, and twice in a row."""
    numbers = _numbers(fake, 5)
    recorder = _Recorder(student, monkeypatch)

    def body():
        for mine, n_threads in (([], 3), (numbers[:2], 6), (numbers, 1), (numbers[2:], 2)):
            calls = recorder.reset()
            before = set(threading.enumerate())
            result = student.check_primes(list(mine), n_threads)
            _check_results(result, mine, calls, f"check_primes({mine}, n_threads={n_threads})",
                           new_threads_alive(before))

    race_check(body, runs=3, max_steps=100_000)


# ------------------------------------------------------------------- count_primes_parallel


def _call_with_time_limit(fn, *args, census: Path | None = None):
    """Call ``fn(*args)`` in a helper thread; a call that outlives PROCESS_TIME_LIMIT fails the test.

    Meanwhile, with ``census``, keep there how many child processes are alive (rewritten when it changes). Returns the
    call's result and how long it took.
    """
    box = {}

    def run():
        try:
            box["value"] = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test thread
            box["error"] = exc

    with warnings.catch_warnings():
        # Python 3.12+ warns when a process with several threads forks: the other thread here is
        # this test's own, waiting in join() and counting children; it holds nothing a child needs
        warnings.filterwarnings("ignore", r"This process .* is multi-threaded", DeprecationWarning)
        started = time.perf_counter()
        helper = threading.Thread(target=run, name="count_primes_parallel", daemon=True)
        helper.start()
        counted = None
        while helper.is_alive() and time.perf_counter() - started < PROCESS_TIME_LIMIT:
            helper.join(0.005)
            if census is not None:
                alive = len(multiprocessing.active_children())
                if alive != counted:  # a new file only when the count changed: creating one costs
                    counted = alive
                    spare = census.with_suffix(".tmp")
                    spare.write_text(str(alive))
                    os.replace(spare, census)
        elapsed = time.perf_counter() - started
    if helper.is_alive():
        for child in multiprocessing.active_children():
            child.terminate()
        fail(f"count_primes_parallel{args} did not finish within {PROCESS_TIME_LIMIT:g} seconds. Make sure every "
             "worker process gets its share and ends, and that the results are collected.")
    if "error" in box:
        raise box["error"]
    return plain(box["value"], int, f"count_primes_parallel{args}"), elapsed


@pytest.mark.points(3)
def test_count_primes_parallel_counts_right(student, fake):
    """count_primes_in_range counts the primes in its range; count_primes_parallel those below the limit,
    for any number of processes."""
    ranges = [(0, 2), (2, 3), (10, 20), (-10, 10), (7919, 7920), (20, 10),
              (fake.random_int(0, 500), fake.random_int(500, 900))]

    def in_ranges():
        for start, stop in ranges:
            got = plain(student.count_primes_in_range(start, stop), int, f"count_primes_in_range({start}, {stop})")
            wanted = sum(1 for n in range(start, stop) if prime(n))
            if got != wanted:
                fail(f"count_primes_in_range({start}, {stop}) returned {got!r}, but range({start}, {stop}) holds "
                     f"{wanted} primes. (If is_prime fails its own tests, fix it first.)")

    solo(in_ranges, max_steps=2_000_000)
    below_prime = fake.random_element([p for p in range(50, 400) if prime(p)])
    # (31, 4): splitting 31 numbers into 4 parts of 31 // 4 leaves 28, 29 and 30 over, and 29 is prime
    cases = [(2, 2), (below_prime, 3), (31, 4), (fake.random_int(1_000, 5_000), 1)]
    for limit, n_processes in cases:
        got, _ = _call_with_time_limit(student.count_primes_parallel, limit, n_processes)
        wanted = _primes_below(limit)
        if got != wanted:
            hint = ""
            if prime(limit) and got == wanted + 1:
                hint = f" It counted {limit} itself: only the numbers below the limit count."
            fail(f"count_primes_parallel({limit}, n_processes={n_processes}) returned {got!r}, but there are {wanted} "
                 f"primes below {limit}.{hint} (If is_prime fails its own tests, fix it first.)")


@pytest.mark.points(2)
def test_count_primes_parallel_uses_worker_processes(student, fake, monkeypatch, tmp_path):
    """count_primes_parallel(limit, 2) does its work in two worker processes (speed-up is reported, not graded)."""
    limit = fake.random_int(20_000, 30_000)
    wanted = _primes_below(limit)
    got, alone = _call_with_time_limit(student.count_primes_parallel, limit, 1)
    expect(got == wanted, f"count_primes_parallel({limit}, n_processes=1) returned {got!r}, not {wanted}.")
    log, census = tmp_path / "pids.txt", tmp_path / "alive.txt"
    parent = os.getpid()
    # whatever the start method: a forked worker inherits the wrapped is_prime from this process; a
    # spawned (or forkserver) worker imports the module by name, and finds the instrumented copy first
    own_file = Path(getattr(student, "__file__", None) or tmp_path / "none")
    if own_file.is_file():
        copy = tmp_path / "probe"
        copy.mkdir()
        source = own_file.read_text(encoding="utf-8")
        (copy / f"{STUDENT_MODULE}.py").write_text(instrumented_copy(source, log, census, parent, 2),
                                                   encoding="utf-8")
        monkeypatch.syspath_prepend(str(copy))
    monkeypatch.setattr(student, "is_prime", announcing(student.is_prime, str(log), str(census), parent, 2))
    got, together = _call_with_time_limit(student.count_primes_parallel, limit, 2, census=census)
    expect(got == wanted, f"count_primes_parallel({limit}, n_processes=2) returned {got!r}, not {wanted}.")
    workers = pids(log) - {parent}
    note(f"count_primes_parallel({limit}) took {alone:.2f} s with 1 process and {together:.2f} s with 2: a speed-up "
         f"of {alone / max(together, 1e-9):.1f}x. This is not graded: graders often run on one CPU or half of one.")
    if parent in pids(log) and not workers:
        fail(f"count_primes_parallel({limit}, n_processes=2) called is_prime only in the main process: the work "
             "must be done in worker processes (threads do not help, because of the GIL).", idea="processes")
    expect(len(workers) >= 2,
           f"count_primes_parallel({limit}, n_processes=2) called is_prime in "
           f"{plural(len(workers), 'worker process', 'worker processes')}; it should use 2. Give each worker process "
           "its share of the numbers, and have the workers call the module's is_prime.", idea="processes")
