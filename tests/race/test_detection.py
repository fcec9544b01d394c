"""Racy classics fail on every seed of a sweep; their correct versions pass on every schedule."""

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
@pytest.mark.parametrize("strategy", ["random", "pct"])
def test_correct_version_passes_every_schedule(name, strategy):
    _, correct = programs.PAIRS[name]
    outcome = race.explore(correct, seed=12345, runs=200, strategy=strategy, shrink=False)
    assert outcome.ok, outcome.report
    assert outcome.kind == "passed"
    assert outcome.runs == 200
    assert outcome.controlled


@pytest.mark.parametrize("strategy", ["random", "pct"])
def test_a_racy_version_is_found_with_either_strategy(strategy):
    outcome = race.explore(programs.racy_counter, seed=3, runs=300, strategy=strategy)
    assert outcome.kind == "assertion"
    assert "increments were lost" in outcome.message
