"""Hidden suite for bank.py: 25 points. Runs the student's code under the race engine.

Every check runs under the engine, so a transfer that waits forever for a lock is reported as a
deadlock, naming which thread holds which lock and where each one waits, instead of hanging the
grader. The threads are named after what they do ("teller 1: Alice -> Bob") so that the report
reads like the story of the bank.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from autograder import race
from autograder.exercises.harness import fail, plain, plain_each, solo
from autograder.testing import expect, race_check
from autograder.testing.feedback import _plain_message

STUDENT_MODULE = "bank"


def _names(fake, n: int) -> list[str]:
    """``n`` different first names for account owners."""
    names: list[str] = []
    while len(names) < n:
        name = fake.first_name()
        if name not in names:
            names.append(name)
    return names


def _run(*threads: threading.Thread) -> None:
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _teller(name: str, work: Callable[[], None]) -> threading.Thread:
    return threading.Thread(target=work, name=name)


def _stuck(intro: str) -> Callable[[race.Outcome], str]:
    """A ``what=`` that explains a deadlock in plain words, then names, as the engine does, which
    thread held which lock and where each one waited."""

    def what(outcome: race.Outcome) -> str:
        if outcome.kind == "deadlock":
            return f"{intro}\n\n{_plain_message(outcome)}"
        if outcome.kind == "busy-wait":
            return (f"{intro} (the threads never finished: they kept trying in a loop without making "
                    f"progress.)\n\n{_plain_message(outcome)}")
        return _plain_message(outcome)

    return what


def _balances(*accounts) -> list[int]:
    """The accounts' balances, each accepted only as a plain int (an int subclass could answer any ``==``)."""
    return [plain(account.balance, int, "account.balance") for account in accounts]


def _total(bank) -> int:
    return plain(bank.total(), int, "total()")


# ---------------------------------------------------------------------------- one thread


@pytest.mark.points(3)
def test_opens_accounts_and_moves_money(student, fake):
    """Accounts open with their balance and a number of their own (also when opened at once); a transfer moves the money."""  # noqa: E501 (the title)
    owners = _names(fake, 3)
    start = [fake.random_int(50, 500) for _ in owners]
    amount = fake.random_int(1, 50)

    def body():
        bank = student.Bank()
        expect(_total(bank) == 0, f"A bank with no accounts should hold 0 in total, not {_total(bank)}.")
        accounts = [bank.open_account(owner, money) for owner, money in zip(owners, start)]
        numbers = plain_each([account.number for account in accounts], int, "account.number")
        expect(numbers == [1, 2, 3],
               f"The first three accounts a bank opens should be numbered 1, 2 and 3, not {numbers}.")
        expect(plain_each([account.owner for account in accounts], str, "account.owner") == owners,
               f"The accounts should belong to {owners}, not {[a.owner for a in accounts]}.")
        expect(_balances(*accounts) == start,
               f"Accounts opened with {start} should hold {start}, not {_balances(*accounts)}.")
        expect(_balances(bank.open_account(owners[0])) == [0], "open_account(owner) with no balance should hold 0.")
        first, second, third = accounts
        got = bank.transfer(first, second, amount)
        expect(got is None, f"transfer() should return None when it succeeds, not {got!r}.")
        bank.transfer(second, third, start[1])
        wanted = [start[0] - amount, amount, start[2] + start[1]]
        expect(_balances(*accounts) == wanted,
               f"After moving {amount} from account 1 to account 2, then all of account 2's {start[1]} to account 3, "
               f"the balances should be {wanted}, not {_balances(*accounts)}.")
        expect(_total(bank) == sum(start),
               f"Transfers move money and never make or destroy it: total() should still be {sum(start)}, "
               f"not {_total(bank)}.")

    solo(body)

    def opened_at_once():
        # tellers open accounts at the same time: each account still gets a number of its own (two
        # accounts with one number also tie in any order of locks taken by number)
        bank = student.Bank()
        opened: list = []

        def teller(owner: str) -> Callable[[], None]:
            return lambda: opened.extend(bank.open_account(owner) for _ in range(2))

        _run(*(_teller(f"teller {i + 1}", teller(owner)) for i, owner in enumerate(owners)))
        numbers = sorted(plain_each([account.number for account in opened], int, "account.number"))
        expect(numbers == list(range(1, len(opened) + 1)),
               f"Three tellers each opened 2 accounts at the same time, and the accounts got the numbers {numbers} "
               f"instead of 1 to {len(opened)}: two tellers read the same count of accounts before either added "
               "its own. Number and add an account under one lock.", idea="check-then-act")

    race_check(opened_at_once, runs=20, idea="check-then-act")


@pytest.mark.points(3)
def test_bad_transfers_are_refused(student, fake):
    """Bad amounts, a transfer to the same account, an overdraft and a negative opening are refused."""
    money = fake.random_int(10, 90)
    step = ["opening an account"]

    def body():
        bank = student.Bank()
        step[0] = "open_account('Eve', -5)"
        try:
            bank.open_account("Eve", -5)
        except ValueError:
            pass
        else:
            fail("open_account('Eve', -5) should raise ValueError: an account cannot start below zero.")
        source, target = bank.open_account("Ann", money), bank.open_account("Ben", 0)
        for amount in (0, -money):
            step[0] = f"transfer(a, b, {amount})"
            try:
                bank.transfer(source, target, amount)
            except ValueError:
                pass
            else:
                fail(f"transfer(a, b, {amount}) should raise ValueError: only a positive amount can be moved.")
        step[0] = "transfer(a, a, 1)"
        try:
            bank.transfer(source, source, 1)
        except ValueError:
            pass
        else:
            fail("transfer(a, a, 1) should raise ValueError: an account cannot transfer to itself.")
        step[0] = f"transfer(a, b, {money + 1}) from an account holding {money}"
        try:
            bank.transfer(source, target, money + 1)
        except student.InsufficientFunds:
            pass
        else:
            fail(f"transfer(a, b, {money + 1}) from an account holding {money} should raise InsufficientFunds.")
        expect(_balances(source, target) == [money, 0],
               f"A refused transfer must change nothing: the accounts should still hold [{money}, 0], not "
               f"{_balances(source, target)}.")
        expect(issubclass(student.InsufficientFunds, Exception), "InsufficientFunds should be an Exception.")
        # a refusal must leave the bank working: every lock it took is free again
        step[0] = f"transfer(a, b, {money}) right after the refused transfer"
        bank.transfer(source, target, money)
        step[0] = "total() right after the refused transfer"
        expect(_total(bank) == money and _balances(source, target) == [0, money],
               f"After the refused transfer, moving all {money} from account a to account b should leave "
               f"[0, {money}] and a total() of {money}, not {_balances(source, target)} and {_total(bank)}.")

    solo(body, idea="deadlock", what=_stuck_on(step))


def _stuck_on(step: list[str]) -> Callable[[race.Outcome], str]:
    def what(outcome: race.Outcome) -> str:
        if "after the refused" in step[0]:
            return _stuck(f"{step[0]} never returned: with one thread alone, the bank waited for a lock that "
                          "nobody will ever release. The refused transfer before it raised InsufficientFunds "
                          "while it still held a lock. Release every lock on every way out of a method: "
                          "`with lock:` does it for you, or try/finally.")(outcome)
        return _stuck(f"{step[0]} never returned: with one thread alone, the bank waited for a lock that it "
                      "already held itself (a plain Lock cannot be taken twice, even by its owner). Check "
                      "for bad input before you take any lock.")(outcome)

    return what


@pytest.mark.points(1)
def test_banks_are_independent(student, fake):
    """Two banks keep their own accounts, numbers and totals."""
    first, second = fake.random_int(10, 99), fake.random_int(100, 999)

    def body():
        one, two = student.Bank(), student.Bank()
        one.open_account("Ann", first)
        account = two.open_account("Ben", second)
        got = (_total(one), _total(two), plain(account.number, int, "account.number"))
        if got != (first, second, 1):
            fail(f"Two banks each opened one account, with {first} and {second}: their totals should be {first} and "
                 f"{second} and each first account number 1, but they show totals {got[0]} and {got[1]} and "
                 f"number {got[2]}. The banks share state: keep each bank's accounts in instance attributes made "
                 "in __init__, not in class attributes or module variables.", idea="shared-state")

    solo(body)


# ----------------------------------------------------------------------------- liveness


@pytest.mark.points(4)
def test_opposite_transfers_never_deadlock(student, fake):
    """Transfers from A to B and from B to A at the same time both finish (and a ring of three)."""
    owners = _names(fake, 3)
    amount = fake.random_int(1, 20)

    def both_ways():
        bank = student.Bank()
        a, b = bank.open_account(owners[0], 100), bank.open_account(owners[1], 100)
        _run(_teller(f"teller 1: {owners[0]} -> {owners[1]}", lambda: bank.transfer(a, b, amount)),
             _teller(f"teller 2: {owners[1]} -> {owners[0]}", lambda: bank.transfer(b, a, 2 * amount)))
        got, wanted = _balances(a, b), [100 + amount, 100 - amount]
        if got != wanted:
            why, idea = _why_off(got, wanted)
            fail(f"After {amount} went one way and {2 * amount} the other, the accounts should hold {wanted}, "
                 f"not {got}. {why}", idea=idea)

    race_check(both_ways, runs=25, idea="lock-order", what=_stuck(
        f"Two transfers at the same time, {owners[0]} -> {owners[1]} and {owners[1]} -> {owners[0]}, never finished: "
        "each teller took the lock of its source account and then waited for the other one's."))

    def ring():
        bank = student.Bank()
        accounts = [bank.open_account(owner, 100) for owner in owners]
        _run(*(_teller(f"teller {i + 1}: {owners[i]} -> {owners[(i + 1) % 3]}",
                       lambda i=i: bank.transfer(accounts[i], accounts[(i + 1) % 3], amount)) for i in range(3)))
        expect(_balances(*accounts) == [100, 100, 100],
               f"Each of three accounts sent {amount} to the next and got {amount} from the previous one: all should "
               f"hold 100, not {_balances(*accounts)}.", idea="read-modify-write")

    race_check(ring, runs=10, idea="lock-order", what=_stuck(
        f"Three transfers in a ring at the same time ({owners[0]} -> {owners[1]} -> {owners[2]} -> {owners[0]}) "
        "never finished: each teller held one lock and waited for the next teller's."))


@pytest.mark.points(2)
def test_one_owners_accounts_never_deadlock(student, fake):
    """Opposite transfers between two accounts of the same owner both finish."""
    owner = fake.first_name()
    amount = fake.random_int(1, 20)

    def body():
        bank = student.Bank()
        checking, savings = bank.open_account(owner, 100), bank.open_account(owner, 100)
        _run(_teller(f"teller 1: {owner} 1 -> {owner} 2", lambda: bank.transfer(checking, savings, amount)),
             _teller(f"teller 2: {owner} 2 -> {owner} 1", lambda: bank.transfer(savings, checking, amount)))
        got = _balances(checking, savings)
        if got != [100, 100]:
            why, idea = _why_off(got, [100, 100])
            fail(f"{amount} went each way between two accounts: both should hold 100, not {got}. {why}", idea=idea)

    race_check(body, runs=30, idea="lock-order", what=_stuck(
        f"Two transfers at the same time between the two accounts of {owner} (numbers 1 and 2), one each way, never "
        "finished. The order the locks are taken in must never tie: two accounts can share an owner's name, "
        "but never a number."))


@pytest.mark.points(2)
def test_total_never_deadlocks_with_transfers(student, fake):
    """total() while transfers run both ways finishes, and so do the transfers."""
    owners = _names(fake, 3)
    amount = fake.random_int(1, 20)

    def body():
        bank = student.Bank()
        accounts = [bank.open_account(owner, 100) for owner in owners]
        a, _, c = accounts
        seen: list[int] = []
        _run(_teller(f"teller 1: {owners[0]} -> {owners[2]}", lambda: bank.transfer(a, c, amount)),
             _teller("auditor: total()", lambda: seen.append(bank.total())),
             _teller(f"teller 2: {owners[2]} -> {owners[0]}", lambda: bank.transfer(c, a, amount)))
        expect(plain_each(seen, int, "total()") == [300],
               f"total() should be 300 while money only moves between accounts, not {seen[0]}.",
               idea="consistent-snapshot")

    race_check(body, runs=20, idea="lock-order", what=_stuck(
        "total() and two transfers at the same time never finished: each held a lock another one needed, so "
        "their locks were not taken in one order that never changes (the account number: an order by "
        "balance, say, changes while money moves)."))

    def opened_at_once():
        # accounts two tellers open at the same time can be listed in either order, whatever their
        # numbers: total() must still lock them in the order transfers do
        bank = student.Bank()
        opened: list = []
        _run(*(_teller(f"teller {i + 1}", lambda owner=owner: opened.append(bank.open_account(owner, 100)))
               for i, owner in enumerate(owners)))
        a, b, c = sorted(opened, key=lambda account: plain(account.number, int, "account.number"))
        seen: list[int] = []
        _run(_teller("teller 1: account 1 -> account 2", lambda: bank.transfer(a, b, amount)),
             _teller("teller 2: account 2 -> account 3", lambda: bank.transfer(b, c, amount)),
             _teller("auditor: total()", lambda: seen.append(bank.total())),
             _teller("teller 3: account 3 -> account 1", lambda: bank.transfer(c, a, amount)))
        expect(plain_each(seen, int, "total()") == [300],
               f"total() should be 300 while money only moves between accounts, not {seen[0]}.",
               idea="consistent-snapshot")

    race_check(opened_at_once, runs=60, idea="lock-order", what=_stuck(
        "Three tellers opened one account each at the same time; then total() and transfers between those "
        "accounts never finished: each held a lock another one needed. The bank keeps its accounts in the "
        "order they were added, which is not always the order of their numbers when two are opened at "
        "once: total() must take the locks by account number too, like transfer()."))


# ------------------------------------------------------------------------------- safety


def _why_off(got: list[int], wanted: list[int]) -> tuple[str, str]:
    """Why balances differ from what the transfers should have left: money made or lost is a lost
    update; the right total in the wrong places is a transfer that returned without moving anything."""
    if sum(got) == sum(wanted):
        return ("No money was made or lost, so some transfer returned without moving its money (or moved a "
                "different amount).", "transfer() returns None only once the money has moved: a transfer that "
                "gives up (on a lock it could not take in time, say) must try again or raise, never return as if "
                "it had succeeded.")
    return "An update of a balance was lost: two transfers changed the same balance at once.", "read-modify-write"


@pytest.mark.points(3)
def test_money_is_conserved(student, fake):
    """Tellers moving money between three accounts at once: every balance adds up."""
    owners = _names(fake, 3)
    x, y, z = (fake.random_int(1, 9) for _ in range(3))

    def body():
        bank = student.Bank()
        a, b, c = (bank.open_account(owner, 100) for owner in owners)

        def teller(source, target, amount):
            def work():
                for _ in range(2):
                    bank.transfer(source, target, amount)
            return work

        _run(_teller(f"teller 1: {owners[0]} -> {owners[2]}", teller(a, c, x)),
             _teller(f"teller 2: {owners[1]} -> {owners[2]}", teller(b, c, y)),
             _teller(f"teller 3: {owners[2]} -> {owners[0]}", teller(c, a, z)))
        wanted = [100 - 2 * x + 2 * z, 100 - 2 * y, 100 + 2 * x + 2 * y - 2 * z]
        got = _balances(a, b, c)
        if got != wanted:
            why, idea = _why_off(got, wanted)
            fail(f"Three tellers each made two transfers ({owners[0]} -> {owners[2]} of {x}, {owners[1]} -> "
                 f"{owners[2]} of {y}, {owners[2]} -> {owners[0]} of {z}): the accounts should hold {wanted}, "
                 f"but hold {got}, {sum(got) - 300:+d} in total. {why}", idea=idea)

    race_check(body, runs=20, idea="read-modify-write")


@pytest.mark.points(3)
def test_no_balance_goes_negative(student, fake):
    """Two transfers that each need all the money of one account: exactly one is refused."""
    owners = _names(fake, 3)
    money = fake.random_int(20, 200)

    def body():
        bank = student.Bank()
        source, first, second = (bank.open_account(owner, money if i == 0 else 0) for i, owner in enumerate(owners))
        refused: list[str] = []

        def teller(target):
            def work():
                try:
                    bank.transfer(source, target, money)
                except student.InsufficientFunds:
                    refused.append(target.owner)
            return work

        seen: list[int] = []  # what a reader saw of the source's balance while the tellers worked

        def reader() -> None:
            for _ in range(20):
                seen.append(_balances(source)[0])
                time.sleep(0)  # let the tellers go on between two reads

        _run(_teller(f"teller 1: {owners[0]} -> {owners[1]}", teller(first)),
             _teller(f"teller 2: {owners[0]} -> {owners[2]}", teller(second)),
             _teller(f"a reader of {owners[0]}'s balance", reader))
        below = [value for value in seen if value < 0]
        if below:
            fail(f"{owners[0]} had {money} and two tellers each tried to send all of it. While they worked, a thread "
                 f"that only read {owners[0]}'s balance saw {below[0]}: a balance below zero, which the bank must "
                 "never show, even for a moment. Take the money only after the check (both under the account's "
                 "lock), not first with an undo when it turns out to be too much, and read the balance under the "
                 "same lock.", idea="check-then-act")
        got = _balances(source, first, second)
        if got[0] < 0 or len(refused) != 1:
            fail(f"{owners[0]} had {money} and two tellers each tried to send all of it, to {owners[1]} and to "
                 f"{owners[2]}: one transfer should succeed and the other raise InsufficientFunds. Instead "
                 f"{len(refused)} were refused and the balances are {got}. Both tellers checked the balance before "
                 "either took the money.", idea="check-then-act")
        expect(sum(got) == money, f"The balances {got} should add up to {money}.", idea="read-modify-write")

    race_check(body, runs=20, idea="check-then-act")


@pytest.mark.points(4)
def test_total_is_consistent_while_transfers_run(student, fake):
    """total() called while tellers move money always sees the same total."""
    owners = _names(fake, 3)
    amounts = [fake.random_int(1, 30) for _ in range(2)]

    def body():
        bank = student.Bank()
        a, b, c = (bank.open_account(owner, 100) for owner in owners)
        seen: list[int] = []

        def auditor():
            for _ in range(3):
                seen.append(bank.total())

        def teller(source, target, amount):
            def work():
                for _ in range(2):
                    bank.transfer(source, target, amount)
            return work

        _run(_teller(f"teller 1: {owners[0]} -> {owners[1]}", teller(a, b, amounts[0])),
             _teller("auditor: total()", auditor),
             _teller(f"teller 2: {owners[1]} -> {owners[2]}", teller(b, c, amounts[1])))
        wrong = [total for total in plain_each(seen, int, "total()") if total != 300]
        if wrong:
            fail(f"Three accounts held 300 together and tellers only moved money between them, but total() said "
                 f"{wrong[0]}: it read one balance before a transfer and another after it.",
                 idea="consistent-snapshot")

    race_check(body, runs=30, idea="consistent-snapshot", strategy="pct")
