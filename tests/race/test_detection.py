"""Racy classics fail on every seed of a sweep; their correct versions pass on every schedule."""

import threading
import time

import pytest

from autograder import race

from . import programs

NAMES = sorted(programs.PAIRS)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", range(8))
def test_racy_version_fails_on_every_seed(name, seed):
    racy, _ = programs.PAIRS[name]
    outcome = race.explore(racy, seed=seed, runs=300)
    assert not outcome.ok
    assert outcome.kind == programs.EXPECTED_KIND[name]
    assert outcome.runs <= 300
    assert "How the threads interleaved" in outcome.report
    assert outcome.report.rstrip().endswith(f"seed={outcome.seed})")


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("strategy", ["random", "pct", "mixed"])
def test_correct_version_passes_every_schedule(name, strategy):
    _, correct = programs.PAIRS[name]
    outcome = race.explore(correct, seed=12345, runs=200, strategy=strategy, shrink=False)
    assert outcome.ok, outcome.report
    assert outcome.kind == "passed"
    assert outcome.runs == 200
    assert outcome.controlled


@pytest.mark.parametrize("strategy", ["random", "pct", "mixed"])
def test_a_racy_version_is_found_with_either_strategy(strategy):
    outcome = race.explore(programs.racy_counter, seed=3, runs=300, strategy=strategy)
    assert outcome.kind == "assertion"
    assert "increments were lost" in outcome.message


def test_mixed_alternates_uniform_and_pct_schedules():
    from autograder.race import explorer

    kinds = [race.decode_seed(explorer._schedule_seed("mixed", 7, i, 100, 3)).strategy for i in range(10)]
    assert kinds == ["random", "pct"] * 5


class _CountsInLate:
    """A readers-writer lock whose reader counts itself in after leaving the Condition's lock: a
    writer that runs a whole acquire in that gap goes in while the reader is on its way in."""

    def __init__(self):
        self.cond = threading.Condition()
        self.readers = 0
        self.writing = False

    def read(self, room):
        with self.cond:
            self.cond.wait_for(lambda: not self.writing)
        self.readers += 1
        room.enter("reader")
        with self.cond:
            self.readers -= 1
            self.cond.notify_all()

    def write(self, room):
        with self.cond:
            self.cond.wait_for(lambda: not self.writing and self.readers == 0)
            self.writing = True
        room.enter("writer")
        with self.cond:
            self.writing = False
            self.cond.notify_all()


class _Room:
    def __init__(self):
        self.inside = []
        self.met = []

    def enter(self, who):
        if self.inside:
            self.met.append((who, list(self.inside)))
        self.inside.append(who)
        time.sleep(0.1)  # a while inside: on the engine's clock the thread blocks, costing no real time
        self.inside.remove(who)


def _counts_in_late():
    lock, room = _CountsInLate(), _Room()
    threads = [threading.Thread(target=lock.read, args=(room,)), threading.Thread(target=lock.write, args=(room,))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not room.met, f"the writer was not alone: {room.met}"


@pytest.mark.parametrize("seed", range(8))
def test_mixed_finds_a_thread_held_back_for_a_whole_method(seed):
    """The race needs one thread preempted in a small gap while another runs many steps: PCT's
    kind of bug, which uniform choice finds only now and then. ``mixed`` finds it on every seed."""
    outcome = race.explore(_counts_in_late, seed=seed, runs=80, strategy="mixed", shrink=False)
    assert outcome.kind == "assertion", outcome.report
    assert "the writer was not alone" in outcome.message
