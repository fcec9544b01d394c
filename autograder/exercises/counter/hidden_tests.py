"""Hidden suite for counter.py: 25 points. Runs the student's code under the race engine.

For instructors: every requirement of the task (assignments/counter/README.md) and the hidden
tests that check it, on every seed (fixed cases; the seed's data only adds more):

* `Counter(start=0)`; `increment(amount=1)`, `decrement(amount=1)`
  -> test_arithmetic_with_one_thread
* `value` is a read-only property
  -> test_value_is_read_only
* each counter keeps its own count (one lock per counter, made in `__init__`)
  -> test_counters_are_independent
* many threads at once: no update may be lost
  -> test_no_increment_is_lost, test_mixed_increments_and_decrements
* `count_concurrently` makes one (new) Counter and returns the final value
  -> test_count_concurrently_edges, test_count_concurrently_loses_nothing
* it starts `n_threads` threads that each call `increment()`, all at the same time
  -> test_count_concurrently_runs_threads_at_the_same_time
* it waits for all of them (every thread it started has finished when it returns)
  -> test_count_concurrently_joins_its_threads
"""

from __future__ import annotations

import threading
import time

import pytest

from autograder.exercises.harness import fail, new_threads_alive, plain, plural, solo
from autograder.testing import Mistake, expect, race_check

STUDENT_MODULE = "counter"


def _value(counter) -> int:
    """``counter.value``, accepted only as a plain int (an int subclass could answer any ``==``)."""
    return plain(counter.value, int, "counter.value")


@pytest.mark.points(2)
def test_arithmetic_with_one_thread(student, fake):
    """Counting up and down from a start value, with one thread."""
    start = fake.random_int(-50, 50)
    steps = [(fake.boolean(), fake.random_int(0, 9)) for _ in range(12)]

    def body():
        expect(_value(student.Counter()) == 0, "Counter() should start at 0.")
        counter = student.Counter(start)
        got = _value(counter)
        expect(got == start, f"Counter({start}).value should be {start}, not {got}.")
        expected = start
        for up, amount in steps:
            if up:
                counter.increment(amount)
                expected += amount
            else:
                counter.decrement(amount)
                expected -= amount
        counter.increment()
        counter.decrement()
        counter.decrement()
        counter.increment(5)  # on every seed: amounts other than 1, both ways
        counter.decrement(3)
        counter.increment(0)
        expected += 1
        got = _value(counter)
        expect(got == expected,
               f"After a series of increments and decrements from {start}, value should be {expected}, "
               f"not {got}.")

    solo(body)


@pytest.mark.points(1)
def test_value_is_read_only(student):
    """`value` can be read but not assigned."""

    def body():
        counter = student.Counter(3)
        try:
            counter.value = 10
        except AttributeError:
            pass
        else:
            fail("Assigning to counter.value should raise AttributeError: make it a read-only property.")
        expect(_value(counter) == 3, "counter.value changed although it should be read-only.")

    solo(body)


@pytest.mark.points(2)
def test_counters_are_independent(student, fake):
    """Two counters keep their own counts."""
    first, second = fake.random_int(0, 20), fake.random_int(100, 200)

    def body():
        a, b = student.Counter(first), student.Counter(second)
        a.increment(2)
        b.decrement()
        got = (_value(a), _value(b))
        if got != (first + 2, second - 1):
            fail(f"Two counters, started at {first} and {second}, were incremented by 2 and decremented by 1: they "
                 f"should show {first + 2} and {second - 1}, but show {got[0]} and {got[1]}. The counters share "
                 "their count: keep it in an instance attribute made in __init__, not in a class attribute.",
                 idea="shared-state")

    solo(body)


def _not_counted_on(got, n_threads: int, per_thread: int) -> None:
    """Fail when count_concurrently returned more than it was asked to count (a counter shared between calls)."""
    wanted = n_threads * per_thread
    plain(got, int, f"count_concurrently({n_threads}, {per_thread})")
    if got > wanted:
        fail(f"count_concurrently({n_threads}, {per_thread}) returned {got}, more than the {wanted} increments it "
             "was asked for: it must have counted on from an earlier call. Make a new Counter inside the "
             "function, every time it is called.", idea="shared-state")


@pytest.mark.points(2)
def test_count_concurrently_edges(student):
    """count_concurrently with one thread, and with no increments."""

    def check(n_threads: int, per_thread: int) -> None:
        got = plain(student.count_concurrently(n_threads, per_thread), int,
                    f"count_concurrently({n_threads}, {per_thread})")
        wanted = n_threads * per_thread
        if got == wanted:
            return
        _not_counted_on(got, n_threads, per_thread)
        fail(f"count_concurrently({n_threads}, {per_thread}) should return {wanted}, not {got!r}.")

    def body():
        check(1, 0)
        check(1, 7)
        check(3, 0)

    race_check(body, runs=3)


def _run_workers(counter, plan):
    threads = [threading.Thread(target=work, args=args) for work, args in plan]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@pytest.mark.points(5)
def test_no_increment_is_lost(student, fake):
    """Increments from three threads at once are never lost."""
    amount = fake.random_int(1, 4)
    counts = [fake.random_int(4, 8) for _ in range(3)]
    total = sum(counts)

    def body():
        counter = student.Counter()

        def work(n):
            for _ in range(n):
                counter.increment(amount)

        seen: list = []  # what a reader saw of `value` while the others counted, or what reading raised

        def read():
            for _ in range(3):
                try:
                    seen.append(_value(counter))
                except Exception as exc:  # noqa: BLE001 - reported by the test's own thread, in words
                    seen.append(exc)
                    return

        _run_workers(counter, [(work, (n,)) for n in counts] + [(read, ())])
        value, wanted = _value(counter), total * amount
        broken = [item for item in seen if isinstance(item, BaseException)]
        for item in broken:
            if isinstance(item, Mistake):
                raise item  # (not a plain int: said as the value check says it)
        if broken:
            fail(f"Reading counter.value while 3 threads were incrementing raised {type(broken[0]).__name__}: "
                 f"{broken[0]}. value must give a whole answer while other threads change the counter: read it "
                 "under the same lock as the updates, or in one step.", idea="race-exception")
        odd = [item for item in seen if not 0 <= item <= wanted]
        expect(not odd, f"While 3 threads were incrementing a new counter towards {wanted}, counter.value showed "
                        f"{odd[0] if odd else ''}, which no moment of the counting ever held.",
               idea="consistent-snapshot")
        if value > wanted:
            fail(f"After {total} calls of increment({amount}) from 3 threads, a new counter shows {value}, more "
                 f"than {wanted}: it counted on from earlier counters. Keep the count in an instance attribute made "
                 "in __init__, not in a class attribute or a module variable.", idea="shared-state")
        missing = (wanted - value) // amount
        expect(value == wanted,
               f"{missing} of {total} increments were lost: after {total} calls of increment({amount}) from "
               f"3 threads the counter shows {value}, not {wanted}.")

    race_check(body, runs=15, idea="read-modify-write")


@pytest.mark.points(4)
def test_mixed_increments_and_decrements(student, fake):
    """Increments and decrements racing each other all count."""
    start = fake.random_int(0, 30)
    ups, downs = fake.random_int(3, 6), fake.random_int(3, 6)

    def body():
        counter = student.Counter(start)

        def up():
            for _ in range(ups):
                counter.increment(2)

        def down():
            for _ in range(downs):
                counter.decrement(1)

        _run_workers(counter, [(up, ()), (down, ()), (up, ()), (down, ())])
        expected = start + 2 * 2 * ups - 2 * downs
        got = _value(counter)
        expect(got == expected,
               f"Two threads incremented and two decremented; the counter should end at {expected} but "
               f"shows {got}: some updates were lost.")

    race_check(body, runs=15, idea="read-modify-write")


@pytest.mark.points(5)
def test_count_concurrently_loses_nothing(student, fake, monkeypatch):
    """count_concurrently's own threads lose no increments, and it returns what its counter shows."""
    n_threads, per_thread = fake.random_int(2, 4), fake.random_int(5, 9)
    expected = n_threads * per_thread
    counters: list = []  # every Counter whose increment was called, in order of first use
    original = student.Counter.increment

    def counted_increment(self, *args, **kwargs):
        if not any(c is self for c in counters):
            counters.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(student.Counter, "increment", counted_increment)

    def body():
        counters.clear()
        before = set(threading.enumerate())
        got = student.count_concurrently(n_threads, per_thread)
        still = new_threads_alive(before)
        if still and got < expected:
            # the increments are not lost: their threads had not finished when it returned
            fail(f"count_concurrently({n_threads}, {per_thread}) returned {got} instead of {expected} while "
                 f"{plural(len(still), 'of its threads was', 'of its threads were')} still counting: it returned "
                 "before joining every thread it started (join each one, not only the last).", idea="join")
        _not_counted_on(got, n_threads, per_thread)
        expect(len(counters) == 1,
               f"count_concurrently({n_threads}, {per_thread}) should make one Counter and have its threads call "
               f"increment() on it; {plural(len(counters), 'counter was', 'counters were')} incremented.")
        real = _value(counters[0])
        if got != real:
            fail(f"count_concurrently({n_threads}, {per_thread}) returned {got}, but the counter its threads "
                 f"incremented shows {real}"
                 + (f": {expected - real} of {expected} increments were lost" if real < expected else "")
                 + ". Return the counter's value after joining the threads, not a number you computed.",
                 idea="read-modify-write" if real < expected else "")
        expect(got == expected,
               f"count_concurrently({n_threads}, {per_thread}) returned {got}: "
               f"{expected - got} of {expected} increments were lost.")

    race_check(body, runs=15, idea="read-modify-write")


@pytest.mark.points(2)
def test_count_concurrently_runs_threads_at_the_same_time(student, monkeypatch):
    """count_concurrently really runs n_threads threads, at the same time."""
    calls = []
    original = student.Counter.increment
    pause = [0.01]

    def recording_increment(self, *args, **kwargs):
        me = threading.current_thread()
        alive = [t for t in {c[0] for c in calls} | {me} if t.is_alive()]
        calls.append((me, len(alive)))
        time.sleep(pause[0])  # the engine's virtual clock: the other threads get going meanwhile
        return original(self, *args, **kwargs)

    monkeypatch.setattr(student.Counter, "increment", recording_increment)

    def counted(n_threads: int, increments: int) -> set:
        """The threads that called increment() during count_concurrently(n_threads, increments), and
        after it (a thread it did not wait for is another test's business: it is waited for here)."""
        calls.clear()
        before = set(threading.enumerate())
        student.count_concurrently(n_threads, increments)
        for straggler in [t for t in threading.enumerate() if t not in before]:
            straggler.join()
        return {thread for thread, _ in calls}

    def body():
        main = threading.current_thread()
        workers = counted(3, 4)
        expect(main not in workers,
               "count_concurrently did the increments in the calling thread: call start(), not run(), "
               "so each thread does its share.", idea="real-concurrency")
        expect(len(workers) == 3,
               f"count_concurrently(3, 4) should let 3 threads each call increment(); "
               f"{len(workers)} thread(s) did.", idea="real-concurrency")
        expect(max(count for _, count in calls) >= 2,
               "Your threads ran one after another, never at the same time: start them all, then join them.",
               idea="real-concurrency")
        # more threads than any default pool has (ThreadPoolExecutor() takes at most 32 workers, and
        # fewer on most machines): each of the n_threads must be a thread of its own, on every machine
        # each increment takes a second, far longer than starting every thread takes (also on the engine's
        # clock, where starting one costs about 4 ms): a pool of n_threads workers is never idle meanwhile,
        # so it starts one thread per task, as it does for real
        pause[0] = 1.0
        workers = counted(MANY_THREADS, 1)
        pause[0] = 0.01
        expect(len(workers) == MANY_THREADS,
               f"count_concurrently({MANY_THREADS}, 1) should start {MANY_THREADS} threads, one for each of "
               f"n_threads; {len(workers)} thread(s) called increment(). A ThreadPoolExecutor() without "
               "max_workers has at most 32 workers (on a small machine, 5 or 6): give it max_workers=n_threads, "
               "or start the threads yourself.", idea="real-concurrency")

    race_check(body, runs=3)


MANY_THREADS = 40


@pytest.mark.points(2)
def test_count_concurrently_joins_its_threads(student, monkeypatch):
    """count_concurrently waits for its threads before it returns."""
    original = student.Counter.increment
    counters: list = []  # every Counter whose increment was called, in order of first use

    def slow_increment(self, *args, **kwargs):
        if not any(c is self for c in counters):
            counters.append(self)
        time.sleep(0.5)  # the engine's virtual clock: 2 s or more per thread, no real time
        return original(self, *args, **kwargs)

    # with increments that take time, a join with a timeout, or a sleep, returns while they still run
    monkeypatch.setattr(student.Counter, "increment", slow_increment)

    def body():
        counters.clear()
        before = set(threading.enumerate())
        got = plain(student.count_concurrently(3, 4), int, "count_concurrently(3, 4)")
        left = new_threads_alive(before)
        expect(not left,
               f"{plural(len(left), 'thread was', 'threads were')} still running when count_concurrently returned: "
               "join every thread (a plain `join()`, without a timeout; no `sleep` instead) before reading the "
               "result.", idea="join")
        # judged against the counter its threads incremented, not against 12: a count that lost updates
        # to a race is the lock's lesson (test_count_concurrently_loses_nothing), not this one's, and a
        # number computed instead of counted must not pass for a joined count
        expect(len(counters) == 1,
               f"count_concurrently(3, 4) should make one Counter and have its threads call increment() on it; "
               f"{plural(len(counters), 'counter was', 'counters were')} incremented.")
        real = _value(counters[0])
        expect(got <= real,
               f"count_concurrently(3, 4) returned {got}, but the counter its threads incremented shows {real}. "
               "Return the counter's value after joining the threads, not a number you computed.")
        expect(got == real,
               f"count_concurrently(3, 4) returned {got!r}, but its counter ended at {real}: it read the count "
               "before its threads were done.", idea="join")

    race_check(body, runs=5)
