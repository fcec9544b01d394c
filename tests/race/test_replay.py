"""A failing schedule replays exactly: the same failure and byte-identical report text."""

import pytest

from autograder import race

from . import programs


@pytest.mark.parametrize("name", ["counter", "stock", "philosophers", "condition", "pool", "writer"])
def test_replay_gives_the_same_report_byte_for_byte(name):
    racy, _ = programs.PAIRS[name]
    found = race.explore(racy, seed=11, runs=300)
    assert not found.ok
    for _ in range(3):
        again = race.replay(racy, found.seed)
        assert again.kind == found.kind
        assert again.report == found.report
        assert again.seed == found.seed


@pytest.mark.parametrize("strategy", ["random", "pct", "mixed"])
def test_unshrunk_seeds_replay_too(strategy):
    found = race.explore(programs.racy_stock, seed=5, runs=300, strategy=strategy, shrink=False)
    assert not found.ok
    assert found.seed == found.first_failing_seed
    assert race.replay(programs.racy_stock, found.seed).report == found.report


def test_the_same_seed_explores_the_same_way():
    first = race.explore(programs.racy_condition, seed=99, runs=300)
    second = race.explore(programs.racy_condition, seed=99, runs=300)
    assert (first.runs, first.seed, first.report) == (second.runs, second.seed, second.report)


def test_shrinking_reduces_preemptions():
    raw = race.explore(programs.racy_counter, seed=4, runs=300, shrink=False)
    shrunk = race.explore(programs.racy_counter, seed=4, runs=300)
    assert shrunk.preemptions <= raw.preemptions
    assert shrunk.preemptions <= 2
    decoded = race.decode_seed(shrunk.seed)
    assert decoded.strategy in ("pct", "explicit", "random")


def test_lost_update_report_shows_the_values_read_and_written():
    found = race.explore(programs.racy_spawned_counter, seed=2, runs=300)
    assert "reads self.value ->" in found.report
    assert "writes self.value =" in found.report
    assert "is preempted" in found.report


def test_a_passing_schedule_replays_as_passed():
    outcome = race.replay(programs.correct_counter, 7)
    assert outcome.ok and outcome.kind == "passed"


@pytest.mark.parametrize("bad", [-1, "7", 1.5, (1 << 32) | 0x10])
def test_replay_rejects_seeds_it_did_not_write(bad):
    with pytest.raises((ValueError, TypeError)):
        race.replay(programs.correct_counter, bad)
