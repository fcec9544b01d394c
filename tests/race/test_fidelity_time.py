"""Virtual time passes while threads work, so timed waits and sleeps expire as they would for real.

Each step of interleaved code costs ``runtime.STEP_COST`` virtual seconds; when nothing can run the
clock jumps to the next timeout. Code that waits "long enough" instead of joining is caught; correct
code whose generous timeouts should never fire passes on every schedule; replays see the same times.
"""

from __future__ import annotations

import queue
import threading
import time

import pytest

from autograder import race
from autograder.race.runtime import STEP_COST


def _busy(n: int) -> int:
    total = 0
    for i in range(n):
        total += i
    return total


def test_a_step_costs_a_tenth_of_a_millisecond():
    assert STEP_COST == pytest.approx(1e-4)


def test_join_with_a_tiny_timeout_returns_before_the_workers_finish():
    def body():
        results = []

        def worker(i):
            _busy(100)  # a few hundred instructions
            results.append(i)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=0.001)  # instead of join()
        assert len(results) == 3, f"only {len(results)} of 3 results were in when the test looked"

    outcome = race.explore(body, seed=1, runs=50)
    assert outcome.kind == "assertion", outcome.report


def test_join_with_a_tiny_timeout_is_fine_when_joined_again():
    def body():
        results = []

        def worker(i):
            _busy(100)
            results.append(i)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            while t.is_alive():
                t.join(timeout=0.001)
        assert len(results) == 3

    outcome = race.explore(body, seed=1, runs=50, shrink=False)
    assert outcome.ok, outcome.report


@pytest.mark.parametrize("work", ["sleeps", "computes"])
def test_sleep_instead_of_join_returns_while_workers_still_run(work):
    def body():
        results = []

        def worker(i):
            if work == "sleeps":
                time.sleep(1)  # waits for something slow, say a download
            else:
                _busy(2000)  # several thousand steps
            results.append(i)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        time.sleep(0.5)  # "long enough" instead of join()
        assert len(results) == 2, f"only {len(results)} of 2 results were in after sleeping 0.5 s"
        for t in threads:
            t.join()

    outcome = race.explore(body, seed=3, runs=50)
    assert outcome.kind == "assertion", outcome.report


class Machine:
    """A vending machine whose buy_waiting takes an item as soon as a refill brings one."""

    def __init__(self) -> None:
        self.stock = 0
        self.cond = threading.Condition()

    def refill(self) -> None:
        with self.cond:
            self.stock += 1
            self.cond.notify()

    def buy_waiting(self, timeout: float) -> bool:
        with self.cond:
            if not self.cond.wait_for(lambda: self.stock > 0, timeout=timeout):
                return False
            self.stock -= 1
            return True


def test_a_generous_timeout_woken_shortly_after_never_fires():
    def body():
        machine = Machine()
        got = []
        customer = threading.Thread(target=lambda: got.append(machine.buy_waiting(timeout=5)))
        customer.start()
        _busy(200)  # the supplier takes a little while
        machine.refill()
        customer.join()
        assert got == [True]

    outcome = race.explore(body, seed=5, runs=100, shrink=False)
    assert outcome.ok, outcome.report


def test_a_condition_wait_loop_with_a_timeout_never_fires_in_correct_code():
    def body():
        cond = threading.Condition()
        items: list[int] = []
        taken = []

        def consumer():
            for _ in range(3):
                with cond:
                    while not items:
                        if not cond.wait(timeout=2):
                            raise AssertionError("gave up waiting although items were coming")
                    taken.append(items.pop(0))

        def producer():
            for i in range(3):
                _busy(50)
                with cond:
                    items.append(i)
                    cond.notify()

        threads = [threading.Thread(target=consumer), threading.Thread(target=producer)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert taken == [0, 1, 2]

    outcome = race.explore(body, seed=11, runs=100, shrink=False)
    assert outcome.ok, outcome.report


def test_queue_get_with_a_timeout_in_a_consumer_never_fires_in_correct_code():
    def body():
        jobs: queue.Queue = queue.Queue()
        done = []

        def consumer():
            while True:
                job = jobs.get(timeout=1)  # raises Empty if the producer stalls for a second
                if job is None:
                    return
                done.append(job * 2)

        def producer():
            for i in range(5):
                _busy(30)
                jobs.put(i)
            jobs.put(None)

        threads = [threading.Thread(target=consumer), threading.Thread(target=producer)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert done == [0, 2, 4, 6, 8]

    outcome = race.explore(body, seed=2, runs=100, shrink=False)
    assert outcome.ok, outcome.report


def test_the_clocks_agree_and_replays_see_the_same_times():
    seen: list[list[float]] = []

    def body():
        readings = []
        lock = threading.Lock()

        def worker():
            for _ in range(3):
                with lock:
                    readings.append(time.monotonic())

        # no other thread yet: the same steps lie between the three readings each time
        m0, w0, p0 = time.monotonic(), time.time(), time.perf_counter()
        _busy(20)
        m1, w1, p1 = time.monotonic(), time.time(), time.perf_counter()
        t = threading.Thread(target=worker)
        t.start()
        _busy(20)
        t.join()
        assert m1 - m0 > 0, "time did not pass while the thread worked"
        assert (m1 - m0) == pytest.approx(w1 - w0, abs=1e-6) == pytest.approx(p1 - p0, abs=1e-6)
        ns, seconds = time.monotonic_ns(), time.monotonic()
        assert 0 <= seconds * 1e9 - ns < 1e6, "monotonic_ns() and monotonic() read different clocks"
        assert readings == sorted(readings)
        # the clocks start from the real time of the call; what passes after that is the schedule's
        seen.append([r - m0 for r in readings] + [m1 - m0])

    first = race.explore(body, seed=99, runs=1, shrink=False)
    assert first.ok, first.report
    again = race.replay(body, seed=first.seed)
    assert again.ok, again.report
    assert seen[0] == seen[1]


def test_reading_the_clock_takes_time_so_a_polling_loop_outside_the_test_ends():
    # multiprocessing.connection.wait(..., timeout=0) loops "select(0); timeout = deadline - monotonic()"
    # until that is negative. Run as a thread's own target it is library code nobody in scope calls,
    # so none of its instructions is a step; the clock must still move when it is read, as a real one does
    import multiprocessing.connection
    import os

    def body():
        reader, writer = os.pipe()
        try:
            t = threading.Thread(target=multiprocessing.connection.wait, args=([reader],), kwargs={"timeout": 0})
            t.start()
            t.join()
        finally:
            os.close(reader)
            os.close(writer)

    outcome = race.explore(body, seed=3, runs=3, hang_timeout=5.0)
    assert outcome.ok, outcome.report


@pytest.mark.parametrize("wait", ["Condition.wait_for", "Event.wait", "Semaphore.acquire", "Thread.join"])
def test_a_timeout_cpython_refuses_raises_as_it_does_for_real(wait):
    # float("inf") (and anything above threading.TIMEOUT_MAX) reaches a lock's acquire, which raises
    # OverflowError in every CPython 3.10-3.13; the models must not treat it as "wait forever"
    too_long = float("inf") if wait != "Event.wait" else threading.TIMEOUT_MAX * 2

    def body():
        ready = threading.Event()
        condition = threading.Condition()
        errors = []

        def waiter():
            try:
                if wait == "Condition.wait_for":
                    with condition:
                        condition.wait_for(lambda: False, too_long)
                elif wait == "Event.wait":
                    threading.Event().wait(too_long)
                elif wait == "Semaphore.acquire":
                    threading.Semaphore(0).acquire(timeout=too_long)
                else:
                    ready.wait()  # still running when the test joins it
            except OverflowError as exc:
                errors.append(exc)

        t = threading.Thread(target=waiter)
        t.start()
        if wait == "Thread.join":
            try:
                t.join(too_long)
            except OverflowError as exc:
                errors.append(exc)
        ready.set()  # (the other waits are never woken: on real threads they raise before they wait)
        t.join()
        assert errors, f"{wait} with a timeout of {too_long} did not raise OverflowError"

    outcome = race.explore(body, seed=5, runs=10, shrink=False)
    assert outcome.ok, outcome.report
    body()  # and the same body on real threads


@pytest.mark.parametrize("strategy", ["pct", "random"])
def test_sleep_zero_always_lets_another_runnable_thread_run(strategy):
    # CPython's sleep(0) gives up the GIL, and a thread waiting for it takes it before the sleeper can
    # take it back. Two threads that take two locks in opposite orders, backing off with sleep(0) when
    # the second is taken, always finish on real threads; a schedule that let the one who backed off
    # take its first lock again at once, over and over, would make this correct code look stuck.
    def body():
        a, b = threading.Lock(), threading.Lock()
        done = []

        def move(first, second, name):
            for _ in range(3):
                while True:
                    with first:
                        if second.acquire(blocking=False):
                            try:
                                done.append(name)
                                break
                            finally:
                                second.release()
                    time.sleep(0)

        threads = [threading.Thread(target=move, args=(a, b, "ab")),
                   threading.Thread(target=move, args=(b, a, "ba"))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(done) == ["ab"] * 3 + ["ba"] * 3

    outcome = race.explore(body, runs=40, seed=3, strategy=strategy, max_steps=50_000)
    assert outcome.ok, outcome.report
