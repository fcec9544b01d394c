"""Base seeds are independent: each (base seed, schedule index) names its own schedule."""

import threading

import pytest

from autograder import race
from autograder.race import explorer

from . import programs


@pytest.mark.parametrize("strategy", ["random", "pct", "mixed"])
def test_two_base_seeds_share_no_schedule_seeds(strategy):
    first = {explorer._schedule_seed(strategy, 1, i, 0, 3) for i in range(500)}
    second = {explorer._schedule_seed(strategy, 2, i, 0, 3) for i in range(500)}
    assert len(first) == len(second) == 500
    assert not first & second


def test_schedule_seeds_are_not_a_shifted_sequence():
    """The old mapping made schedule i of seed s the schedule i-1 of seed s+1."""
    for base in range(1, 6):
        for i in range(1, 50):
            assert explorer.schedule_rng(base, i) != explorer.schedule_rng(base + 1, i - 1)


def _orders(seed: int, runs: int) -> list[tuple[str, ...]]:
    """The order in which the threads of each schedule wrote, schedule by schedule."""
    orders: list[tuple[str, ...]] = []

    def body():
        seen: list[str] = []

        def work(name):
            for _ in range(3):
                seen.append(name)

        threads = [threading.Thread(target=work, args=(n,)) for n in "abc"]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        orders.append(tuple(seen))

    outcome = race.explore(body, seed=seed, runs=runs)
    assert outcome.ok, outcome.report
    return orders


def test_two_base_seeds_explore_different_schedules():
    one, two = _orders(1, 30), _orders(2, 30)
    assert one != two
    assert one[1:] != two[:-1]  # not the same schedules shifted by one
    assert _orders(1, 30) == one  # and the same base seed explores the same way again


def test_failing_schedules_of_neighbouring_seeds_are_different_schedules():
    found = [race.explore(programs.racy_condition, seed=s, runs=300, shrink=False) for s in range(1, 6)]
    assert all(not o.ok for o in found)
    assert len({o.first_failing_seed for o in found}) == 5


@pytest.mark.parametrize("strategy", ["random", "pct", "mixed"])
def test_a_reported_seed_replays_byte_for_byte(strategy):
    found = race.explore(programs.racy_stock, seed=123, runs=300, strategy=strategy)
    assert not found.ok
    again = race.replay(programs.racy_stock, found.seed)
    assert again.report == found.report
