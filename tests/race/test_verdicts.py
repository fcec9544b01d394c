"""A step budget is never a failure, busy-waiting is; unseeded randomness gets a note."""

from __future__ import annotations

import os
import random
import threading
import time
import uuid

import pytest

from autograder import race


class Flag:
    def __init__(self) -> None:
        self.ready = False


def locked_counter_4x1000() -> None:
    lock = threading.Lock()
    box = {"n": 0}

    def work() -> None:
        for _ in range(1000):
            with lock:
                box["n"] += 1

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert box["n"] == 4000


def condition_pipeline() -> None:
    cond = threading.Condition()
    items: list[int] = []
    got: list[int] = []

    def producer() -> None:
        for i in range(1500):
            with cond:
                items.append(i)
                cond.notify()

    def consumer() -> None:
        for _ in range(1500):
            with cond:
                while not items:
                    cond.wait()
                got.append(items.pop(0))

    threads = [threading.Thread(target=producer), threading.Thread(target=consumer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == list(range(1500))


def sleepy_poller() -> None:
    flag = Flag()

    def waiter() -> None:
        while not flag.ready:
            time.sleep(0.01)

    def setter() -> None:
        time.sleep(2)
        flag.ready = True

    threads = [threading.Thread(target=waiter), threading.Thread(target=setter)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def spin_forever() -> None:
    flag = Flag()

    def waiter() -> None:
        while not flag.ready:  # SPIN-LINE: nobody ever sets it
            pass

    t = threading.Thread(target=waiter, name="waiter")
    t.start()
    t.join()


def spin_on_the_clock() -> None:
    def waiter() -> None:
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:  # the virtual clock stands still while a thread runs
            pass

    t = threading.Thread(target=waiter, name="clock-watcher")
    t.start()
    t.join()


def spin_until_set() -> None:
    flag = Flag()

    def waiter() -> None:
        while not flag.ready:  # SPIN-UNTIL-SET
            pass

    def setter() -> None:
        total = 0
        for i in range(300):
            total += i
        flag.ready = True

    threads = [threading.Thread(target=waiter, name="waiter"), threading.Thread(target=setter)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def _line_of(marker: str) -> int:
    with open(__file__) as source:
        for number, text in enumerate(source, 1):
            if marker in text and "_line_of" not in text:
                return number
    raise AssertionError(marker)


# ------------------------------------------------------------------------- long correct programs


@pytest.mark.parametrize("body", [locked_counter_4x1000, condition_pipeline, sleepy_poller])
def test_long_correct_programs_pass_or_are_inconclusive_never_fail(body):
    outcome = race.explore(body, seed=3, runs=3)
    assert outcome.kind in ("passed", "inconclusive"), outcome.report
    assert outcome.ok
    outcome.raise_if_failed()
    assert not any(spin["steps"] >= 1000 for spin in outcome.spins), outcome.spins


def test_a_used_up_step_budget_is_inconclusive_with_a_note():
    outcome = race.explore(locked_counter_4x1000, seed=1, runs=5, max_steps=20_000)
    assert outcome.kind == "inconclusive" and outcome.ok
    outcome.raise_if_failed()
    assert any("cut short" in note and "0 of 5 schedules completed" in note for note in outcome.notes)
    assert "Inconclusive" in outcome.report
    again = race.replay(locked_counter_4x1000, outcome.seed, max_steps=20_000)
    assert again.kind == "inconclusive" and again.ok


def test_a_big_enough_budget_lets_the_same_program_pass():
    outcome = race.explore(locked_counter_4x1000, seed=1, runs=1, max_steps=400_000)
    assert outcome.kind == "passed", outcome.report


def test_the_sleepy_poller_is_not_spinning():
    outcome = race.explore(sleepy_poller, seed=1, runs=3)
    assert outcome.kind == "passed"
    assert outcome.spins == []


# --------------------------------------------------------------------------------- busy-waiting


def test_a_thread_spinning_on_a_flag_nobody_sets_is_busy_waiting():
    outcome = race.explore(spin_forever, seed=1, runs=5)
    assert outcome.kind == "busy-wait" and not outcome.ok
    with pytest.raises(AssertionError):
        outcome.raise_if_failed()
    line = _line_of("SPIN-LINE")
    assert "waiter" in outcome.message
    assert f"test_verdicts.py:{line}" in outcome.message
    assert "Condition, Event or Semaphore" in outcome.message
    assert outcome.where and outcome.where[-1][1] == line
    assert any(s["thread"] == "waiter" and s["line"] == line and s["steps"] > 0 for s in outcome.spins)


def test_busy_waiting_is_found_long_before_the_budget_runs_out():
    outcome = race.explore(spin_forever, seed=1, runs=1, max_steps=10_000_000)
    assert outcome.kind == "busy-wait"
    assert outcome.steps < 100_000


def test_polling_the_clock_is_busy_waiting():
    outcome = race.explore(spin_on_the_clock, seed=2, runs=3)
    assert outcome.kind == "busy-wait", outcome.report
    assert "clock-watcher" in outcome.message


def test_a_spin_that_ends_is_measured_on_a_passing_outcome():
    outcome = race.explore(spin_until_set, seed=4, runs=30)
    assert outcome.kind == "passed"
    line = _line_of("SPIN-UNTIL-SET")
    spins = [s for s in outcome.spins if s["thread"] == "waiter"]
    assert spins and spins[0]["line"] == line and spins[0]["steps"] >= 64
    assert spins[0]["file"].endswith("test_verdicts.py")


def test_a_busy_wait_report_replays():
    outcome = race.explore(spin_forever, seed=1, runs=5)
    assert race.replay(spin_forever, outcome.seed).report == outcome.report


# ------------------------------------------------------------------------------ unseeded bodies


def random_outcome() -> None:
    box = {"n": 0}

    def work() -> None:
        box["n"] += 1

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert random.random() > 0.5 or box["n"] < 2, f"drew {random.random()}"


def test_the_global_random_generator_replays_with_the_schedule():
    before = random.getstate()
    found = race.explore(random_outcome, seed=1, runs=50)
    assert random.getstate() == before  # restored after the run
    assert not found.ok
    assert not any("randomness" in note for note in found.notes)
    for _ in range(2):
        assert race.replay(random_outcome, found.seed).report == found.report


@pytest.mark.parametrize("draw", [lambda: os.urandom(4), lambda: uuid.uuid4(), lambda: random.SystemRandom().random(),
                                  lambda: random.seed()])
def test_unseeded_randomness_gets_a_note_that_replays_may_differ(draw):
    def body():
        draw()

    outcome = race.explore(body, seed=1, runs=2)
    assert outcome.ok
    assert any("randomness the engine does not seed" in note for note in outcome.notes), outcome.notes
    assert "may not show the same thing" in race.replay(body, 5).report
    assert "autograder" not in (os.urandom.__module__ or "") and random.seed.__self__ is not None


def poll_an_empty_queue() -> None:
    """A consumer asks an empty queue again at once after each ``queue.Empty``: the loop's back edge
    is an instruction of the ``except`` clause, which the compiler gives no line number of its own."""
    import queue

    q: queue.Queue = queue.Queue()

    def consume() -> None:
        while True:
            try:
                q.get_nowait()
            except queue.Empty:
                continue
            return

    workers = [threading.Thread(target=consume, name=f"poller {i}") for i in (1, 2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("seed", range(4))
def test_a_poll_loop_in_an_except_clause_is_busy_waiting_and_reported_cleanly(seed):
    # two pollers keep each other runnable, so the step budget (not the lone-spinner check) stops them
    outcome = race.explore(poll_an_empty_queue, seed=seed, runs=3, max_steps=5_000)
    assert outcome.kind == "busy-wait", outcome.report
    assert "poller" in outcome.message
    assert "line None" not in outcome.report
