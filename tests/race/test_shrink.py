"""The shrinker keeps the failure it was given: unit tests on made-up programs, then a real race."""

from __future__ import annotations

import threading

from autograder import race
from autograder.race.runtime import Failure
from autograder.race.shrink import Attempt, Shrinker, message_shape, signature

# ------------------------------------------------------------------- made-up programs, no threads

NEEDED = (0, 3, 1)  # the forced switch that makes the made-up program fail with "A"
ALSO_NEEDED = (2, 4, 1)  # with NEEDED, in the second test's program
DISTRACTOR = (1, 2, 0)  # a switch that makes it fail with "B" instead


def fake_program(*, b_without_needed: bool = True, pct_fails: bool = False, two_needed: bool = False):
    """A pretend test body: which failure a list of forced switches produces."""
    tried: list[object] = []

    def run(candidate) -> Attempt:
        tried.append(candidate)
        if isinstance(candidate, int):  # a PCT schedule seed: pretend it preempts 2 times
            return Attempt(pct_fails, 2, 40, [NEEDED, (2, 1, 0)] if pct_fails else [], {})
        switches = sorted(set(candidate))
        if NEEDED in switches and (ALSO_NEEDED in switches or not two_needed):
            failure = "A"
        elif DISTRACTOR in switches and b_without_needed:
            failure = "B"
        else:
            failure = None
        counts = {0: 5, 1: 5, 2: 5}
        return Attempt(failure == "A", len(switches), 15 + len(switches), switches, counts)

    return run, tried


def found_attempt(run) -> Attempt:
    return run([(0, 1, 1), NEEDED, DISTRACTOR, (1, 5, 0), (2, 4, 1), (2, 5, 0)])


def test_the_shrinker_finds_the_one_switch_that_matters():
    run, _ = fake_program()
    best = Shrinker(run, found_attempt(run), threads=[0, 1, 2], seed=1).shrink()
    assert best.interesting
    assert best.switches == [NEEDED]
    assert best.preemptions == 1


def test_the_shrinker_never_trades_the_failure_for_another():
    """Here one switch alone fails differently ("B"): a smaller schedule, but not the same failure."""
    distracted = 0
    for seed in range(10):
        run, tried = fake_program(two_needed=True)
        best = Shrinker(run, found_attempt(run), threads=[0, 1, 2], seed=seed).shrink()
        assert sorted(best.switches) == [NEEDED, ALSO_NEEDED]
        distracted += any(isinstance(c, list) and DISTRACTOR in c and NEEDED not in c for c in tried)
    assert distracted  # it did try schedules that fail the other way, and kept none of them


def test_when_nothing_smaller_fails_the_same_way_the_original_is_kept():
    def run(candidate) -> Attempt:
        switches = candidate if isinstance(candidate, list) else []
        return Attempt(len(switches) >= 4, len(switches), 20, list(switches), {0: 3, 1: 3})

    found = run([(0, 1, 1), (1, 1, 0), (0, 2, 1), (1, 2, 0)])
    best = Shrinker(run, found, threads=[0, 1], seed=3).shrink()
    assert best is found or best.switches == found.switches


def test_a_failure_without_preemptions_is_not_shrunk():
    calls = []

    def run(candidate) -> Attempt:
        calls.append(candidate)
        return Attempt(True, 0, 1, [], {})

    found = Attempt(True, 0, 5, [], {})
    assert Shrinker(run, found, threads=[0, 1], seed=0).shrink() is found
    assert calls == []


def test_the_passes_have_names_and_run_in_order():
    run, _ = fake_program()
    shrinker = Shrinker(run, found_attempt(run), threads=[0, 1, 2], seed=4)
    shrinker.shrink()
    assert shrinker.passes_run[0] == "run_to_block"
    assert set(shrinker.passes_run) <= {
        "run_to_block", "bounded_switches", "low_depth_pct", "delete_switches", "retarget_switches"}


def test_a_pct_schedule_that_fails_the_same_way_is_taken():
    run, _ = fake_program(pct_fails=True, b_without_needed=False)
    found = run([(0, 1, 1), NEEDED, (1, 4, 0), (1, 5, 0), (2, 4, 1)])
    best = Shrinker(run, found, threads=[0, 1, 2], seed=2).shrink()
    assert best.interesting and best.preemptions == 1


# ----------------------------------------------------------------------------- what "same" means


def test_message_shape_leaves_out_numbers_addresses_and_thread_numbers():
    assert message_shape("balance went negative: -60") == message_shape("balance went negative: -20")
    assert message_shape("in Thread-3 (work): <Account at 0x7f00ab> 2.5") == message_shape(
        "in Thread-12 (work): <Account at 0x55aa> 7")
    assert message_shape("balance went negative: -60") != message_shape("the books do not add up: 40")


def test_signature_is_kind_place_and_shape():
    one = Failure("assertion", "AssertionError: balance went negative: -60", where=[("bank.py", 9, "")])
    two = Failure("assertion", "AssertionError: balance went negative: -20", where=[("bank.py", 9, "")])
    other_line = Failure("assertion", "AssertionError: balance went negative: -20", where=[("bank.py", 12, "")])
    other_kind = Failure("exception", "AssertionError: balance went negative: -20", where=[("bank.py", 9, "")])
    assert signature(one) == signature(two)
    assert signature(one) != signature(other_line)
    assert signature(one) != signature(other_kind)


# ----------------------------------------------------------------------- a real bank-account race


class Account:
    def __init__(self, balance: int) -> None:
        self.balance = balance
        self.history: list[int] = []

    def withdraw(self, amount: int) -> bool:
        if self.balance >= amount:  # check ...
            self.balance -= amount  # ... then act: another thread may withdraw in between
            self.history.append(-amount)
            return True
        return False

    def deposit(self, amount: int) -> None:
        self.balance += amount  # a lost update
        self.history.append(amount)


def bank_body() -> None:
    account = Account(100)

    def spender() -> None:
        for _ in range(2):
            account.withdraw(80)

    def earner() -> None:
        for _ in range(2):
            account.deposit(20)

    threads = [threading.Thread(target=f) for f in (spender, spender, earner)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert account.balance >= 0, f"balance went negative: {account.balance}"
    assert account.balance == 100 + sum(account.history), (
        f"the books do not add up: balance {account.balance}, history says {100 + sum(account.history)}")


def test_shrinking_a_bank_race_keeps_the_failure_it_found():
    kinds = set()
    for seed in range(40):
        found = race.explore(bank_body, seed=seed, runs=200, shrink=False)
        shrunk = race.explore(bank_body, seed=seed, runs=200)
        assert not found.ok and not shrunk.ok
        assert shrunk.first_failing_seed == found.seed
        assert (shrunk.kind, shrunk.where[-1][:2], message_shape(shrunk.message)) == (
            found.kind, found.where[-1][:2], message_shape(found.message)), (seed, found.message, shrunk.message)
        assert shrunk.preemptions <= found.preemptions
        assert race.replay(bank_body, shrunk.seed).report == shrunk.report
        kinds.add(message_shape(found.message))
    assert len(kinds) >= 2  # both assertions were found first on some seed: the check had teeth
