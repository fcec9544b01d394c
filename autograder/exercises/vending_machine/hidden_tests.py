"""Hidden suite for vending_machine.py: 25 points. Runs the student's code under the race engine.

Every check runs under the engine, so waits cost no real time (the engine's clock is virtual: a
``buy_waiting(timeout=2)`` that gives up takes two virtual seconds and no real ones), and a
customer who waits forever is reported as a deadlock instead of hanging the grader.

For instructors: every requirement of the task (assignments/vending_machine/README.md) and the
hidden tests that check it, on every seed:

* `VendingMachine(capacity=5)` starts full
  -> test_starts_full_sells_and_refills
* a capacity below 1 raises ValueError (0 and negative numbers)
  -> test_capacity_below_one_is_refused
* `refill()` adds one item (True), or changes nothing when full (False)
  -> test_starts_full_sells_and_refills, test_refills_never_overfill
* `buy()` takes one item (True), or returns False at once when empty; never waits
  -> test_starts_full_sells_and_refills, test_buy_never_waits
* `buy_waiting()` waits until it can take an item; sleeps meanwhile (no busy-waiting)
  -> test_buy_waiting_wakes_on_refill
* `buy_waiting(timeout)` gives up after `timeout` (False); `timeout=0` does not wait
  -> test_buy_waiting_honours_its_timeout
* `stock` and `capacity` are read-only properties
  -> test_stock_and_capacity_are_read_only
* each machine keeps its own state
  -> test_machines_are_independent
* no thread sees the stock below 0 or above capacity
  -> test_buyers_never_oversell, test_refills_never_overfill, test_mixed_traffic_keeps_count
* the stock adds up: start + refills - sales
  -> test_mixed_traffic_keeps_count
"""

from __future__ import annotations

import threading
import time

import pytest

from autograder.exercises.harness import fail, plain, plain_each, plural, solo, when_stuck
from autograder.testing import expect, race_check

STUDENT_MODULE = "vending_machine"


def _machine(student, capacity: int, stock: int):
    """A machine of ``capacity`` holding ``stock`` items (sold down with buy())."""
    machine = student.VendingMachine(capacity)
    for _ in range(capacity - stock):
        machine.buy()
    expect(_stock(machine) == stock,
           f"A machine of capacity {capacity} that sold {capacity - stock} items should hold {stock}, "
           f"not {_stock(machine)}.")
    return machine


def _stock(machine) -> int:
    return plain(machine.stock, int, "machine.stock")


def _capacity(machine) -> int:
    return plain(machine.capacity, int, "machine.capacity")


def _bool(value, what: str) -> bool:
    return plain(value, bool, what)


def _run(*threads: threading.Thread) -> None:
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _check_range(seen: list[int], capacity: int, what: str) -> None:
    plain_each(seen, int, "machine.stock")
    low = [s for s in seen if s < 0]
    high = [s for s in seen if s > capacity]
    if low:
        fail(f"{what}, a thread saw the stock at {min(low)}: the machine sold an item it did not have.",
             idea="check-then-act")
    if high:
        fail(f"{what}, a thread saw the stock at {max(high)}, above the capacity of {capacity}: the machine "
             "took in an item it had no room for.", idea="check-then-act")


@pytest.mark.points(3)
def test_starts_full_sells_and_refills(student, fake):
    """A machine starts full, sells until empty, and refills until full."""
    capacity = fake.random_int(2, 7)

    def body():
        expect(_capacity(student.VendingMachine()) == 5, "VendingMachine() should have a capacity of 5.")
        machine = student.VendingMachine(capacity)
        expect(_capacity(machine) == capacity and _stock(machine) == capacity,
               f"VendingMachine({capacity}) should start full: capacity {capacity} and stock {capacity}, not "
               f"capacity {_capacity(machine)} and stock {_stock(machine)}.")
        sold = [_bool(machine.buy(), "buy()") for _ in range(capacity + 2)]
        expect(sold == [True] * capacity + [False, False],
               f"buy() on a machine holding {capacity} items should succeed {capacity} times and then return "
               f"False; it returned {sold}.")
        expect(_stock(machine) == 0, f"After selling everything the stock should be 0, not {_stock(machine)}.")
        filled = [_bool(machine.refill(), "refill()") for _ in range(capacity + 2)]
        expect(filled == [True] * capacity + [False, False],
               f"refill() on an empty machine of capacity {capacity} should succeed {capacity} times and then "
               f"return False; it returned {filled}.", idea="bounded")
        expect(_stock(machine) == capacity,
               f"After refilling it to the top, the stock should be {capacity}, not {_stock(machine)}: a refill of a "
               "full machine must change nothing.", idea="bounded")
        expect(machine.buy_waiting() is True and _stock(machine) == capacity - 1,
               "buy_waiting() on a machine with items should take one at once and return True.")

    solo(body)


@pytest.mark.points(1)
def test_capacity_below_one_is_refused(student, fake):
    """VendingMachine(capacity) with a capacity below 1 raises ValueError."""
    bad = [0, -1, -fake.random_int(2, 50)]

    def body():
        for capacity in bad:
            try:
                student.VendingMachine(capacity)
            except ValueError:
                continue
            fail(f"VendingMachine({capacity}) should raise ValueError: a machine needs room for at least one item.")

    solo(body)


@pytest.mark.points(1)
def test_stock_and_capacity_are_read_only(student):
    """`stock` and `capacity` can be read but not assigned."""

    def body():
        machine = student.VendingMachine(3)
        for name, value in (("stock", 99), ("capacity", 99)):
            try:
                setattr(machine, name, value)
            except AttributeError:
                continue
            fail(f"Assigning to machine.{name} should raise AttributeError: make it a read-only property.")
        expect(_stock(machine) == 3 and _capacity(machine) == 3,
               "stock or capacity changed although they are read-only.")

    solo(body)


@pytest.mark.points(2)
def test_machines_are_independent(student, fake):
    """Two machines keep their own stock and capacity."""
    first_capacity, second_capacity = fake.random_int(2, 4), fake.random_int(5, 8)

    def body():
        first = student.VendingMachine(first_capacity)
        second = student.VendingMachine(second_capacity)
        first.buy()
        first.buy()
        second.buy()
        got = (_stock(first), _capacity(first), _stock(second), _capacity(second))
        wanted = (first_capacity - 2, first_capacity, second_capacity - 1, second_capacity)
        if got != wanted:
            fail(f"Two machines, of capacity {first_capacity} and {second_capacity}, sold 2 and 1 items: their "
                 f"stocks should be {wanted[0]} and {wanted[2]}, but they show {got[0]} and {got[2]} "
                 f"(capacities {got[1]} and {got[3]}). The machines share state: keep each machine's stock in "
                 "instance attributes made in __init__, not in class attributes.", idea="shared-state")

    solo(body)


@pytest.mark.points(2)
def test_buy_never_waits(student):
    """buy() on an empty machine returns False at once, even while a customer waits in buy_waiting."""

    reads = [_Reads()]

    def body():
        reads[0] = _Reads()
        machine = _spied_machine(student, 1, 0, reads[0])
        got = machine.buy()
        expect(got is False, f"buy() on an empty machine should return False, not {got!r}.")
        waiting = threading.Thread(target=machine.buy_waiting, kwargs={"timeout": 3})
        reads[0].quiet = True
        waiting.start()
        time.sleep(0.5)  # the customer is now waiting (the engine's clock is virtual: no real wait)
        reads[0].quiet = False
        started = time.monotonic()
        got = machine.buy()
        waited = time.monotonic() - started
        expect(got is False, f"buy() on an empty machine should return False, not {got!r}.")
        # the engine's clock also advances 0.1 ms per step of the student's code: a few dozen steps
        expect(waited < 0.05,
               f"buy() on an empty machine waited {waited:g} s while another customer was waiting in "
               "buy_waiting(): buy() must never wait, and buy_waiting() must not hold a lock while it waits.",
               idea="no-wait")
        waiting.join()

    stuck = when_stuck("buy() on an empty machine never returned: it waited for an item that never came. buy() "
                       "must return False at once when the machine is empty.")
    busy = _busy_or(stuck, reads, "While a customer waited in buy_waiting(timeout=3) on an empty machine")
    race_check(body, runs=3, idea="no-wait", what=busy)


@pytest.mark.points(4)
def test_buyers_never_oversell(student, fake):
    """Three customers buying at once never take more items than the machine holds."""
    capacity = fake.random_int(3, 6)
    stock = fake.random_int(1, 2)

    def body():
        machine = _machine(student, capacity, stock)
        sold, seen = [], []

        def customer():
            for _ in range(2):
                sold.append(machine.buy())
                seen.append(machine.stock)

        def watcher():
            for _ in range(3):
                seen.append(machine.stock)

        _run(*(threading.Thread(target=customer) for _ in range(3)), threading.Thread(target=watcher))
        sales = plain_each(sold, bool, "buy()").count(True)
        if sales != stock:
            fail(f"The machine held {plural(stock, 'item')} and three customers tried to buy 6, but buy() returned "
                 f"True {sales} times: two customers both saw an item and both took it.", idea="check-then-act")
        _check_range(seen, capacity, "While three customers were buying")
        final = _stock(machine)
        expect(final == 0, f"After selling all {stock} items the stock should be 0, not {final}.",
               idea="read-modify-write")

    race_check(body, runs=15, idea="check-then-act")


@pytest.mark.points(3)
def test_refills_never_overfill(student, fake):
    """Three suppliers refilling at once never put in more items than there is room for."""
    capacity = fake.random_int(2, 5)
    room = 2

    def body():
        machine = _machine(student, capacity, capacity - room)
        filled, seen = [], []

        def supplier():
            for _ in range(2):
                filled.append(machine.refill())
                seen.append(machine.stock)

        def watcher():
            for _ in range(3):
                seen.append(machine.stock)

        _run(*(threading.Thread(target=supplier) for _ in range(3)), threading.Thread(target=watcher))
        refills = plain_each(filled, bool, "refill()").count(True)
        if refills != room:
            fail(f"The machine had room for {room} items and three suppliers tried to refill 6, but refill() "
                 f"returned True {refills} times: two suppliers both saw a free slot and both filled it.",
                 idea="check-then-act")
        _check_range(seen, capacity, "While three suppliers were refilling")
        final = _stock(machine)
        expect(final == capacity, f"After refilling the last {room} slots the stock should be {capacity}, not {final}.",
               idea="read-modify-write")

    race_check(body, runs=15, idea="check-then-act")


@pytest.mark.points(3)
def test_mixed_traffic_keeps_count(student, fake):
    """Customers and suppliers at once: the stock stays in range and adds up."""
    capacity = fake.random_int(2, 3)

    def adds_up(machine, start: int, sold: list[bool], filled: list[bool]) -> None:
        sales = plain_each(sold, bool, "buy() or buy_waiting()").count(True)
        refills = plain_each(filled, bool, "refill()").count(True)
        final = _stock(machine)
        if final != start + refills - sales:
            fail(f"The machine started with {start} items, {refills} refills and {sales} sales succeeded, so it "
                 f"should hold {start + refills - sales}; it shows {final}. An update of the stock was lost, or "
                 "the stock and what the machine hands out got out of step.", idea="read-modify-write")

    def one_each(start: int) -> None:
        machine = _machine(student, capacity, start)
        sold, filled, seen = [], [], []

        def customer():
            sold.append(machine.buy_waiting(timeout=1) if start == 0 else machine.buy())
            seen.append(machine.stock)

        def supplier():
            filled.append(machine.refill())
            seen.append(machine.stock)

        _run(threading.Thread(target=customer), threading.Thread(target=supplier))
        _check_range(seen, capacity, f"While one customer bought from {'a full' if start else 'an empty'} machine "
                                     "and a supplier refilled it")
        adds_up(machine, start, sold, filled)

    def sale_and_refill():
        """A sale and a refill at the same moment, on a full and on an empty machine."""
        one_each(capacity)
        one_each(0)

    # two pieces of state that a sale or a refill changes in two steps drift apart only when the
    # other thread runs exactly in between: PCT finds such a window far sooner than a coin toss per step
    race_check(sale_and_refill, runs=30, idea="check-then-act", strategy="pct")

    def traffic():
        """Two customers, a patient customer and a supplier."""
        machine = student.VendingMachine(capacity)
        sold, filled, seen = [], [], []

        def customer():
            for _ in range(2):
                sold.append(machine.buy())
                seen.append(machine.stock)

        def patient_customer():
            sold.append(machine.buy_waiting(timeout=1))
            seen.append(machine.stock)

        def supplier():
            for _ in range(2):
                filled.append(machine.refill())
                seen.append(machine.stock)

        _run(threading.Thread(target=customer), threading.Thread(target=supplier),
             threading.Thread(target=patient_customer), threading.Thread(target=customer))
        _check_range(seen, capacity, "While customers and a supplier used the machine at once")
        adds_up(machine, capacity, sold, filled)

    race_check(traffic, runs=15, idea="check-then-act")

    def watched_stock():
        """A thread that only reads machine.stock while a customer and a supplier work."""
        machine = _machine(student, 2, 0)
        seen = []

        def watcher():
            for _ in range(30):
                seen.append(plain(machine.stock, int, "machine.stock"))

        def supplier():
            for _ in range(2):
                machine.refill()

        def customer():
            for _ in range(2):
                machine.buy_waiting(timeout=5)

        _run(threading.Thread(target=watcher), threading.Thread(target=supplier), threading.Thread(target=customer))
        odd = [s for s in seen if not 0 <= s <= 2]
        if odd:
            fail(f"While a supplier refilled an empty machine of capacity 2 twice and a customer bought twice, a "
                 f"thread that only read machine.stock saw {odd[0]}, a stock the machine never had: reading the stock "
                 "took several steps, and a sale and a refill happened in between.", idea="torn-read")

    # the window is the few steps of one read, and a sale and a refill must both fit in it: PCT, which
    # switches rarely but at any step, finds it far sooner than a coin toss per step
    race_check(watched_stock, runs=40, idea="torn-read", strategy="pct")


QUIET = 10.0  # virtual seconds in which nothing changes while a customer waits
BUSY_READS = 60  # reads of the machine's attributes a waiting customer may make meanwhile


class _Reads:
    """How often the machine's attributes were read while nothing changed (``quiet``)."""

    def __init__(self) -> None:
        self.quiet = False
        self.count = 0


def _spied_machine(student, capacity: int, stock: int, reads: _Reads):
    """A machine whose attribute reads are counted while ``reads.quiet`` is set.

    A customer that sleeps until a refill wakes it reads a few attributes; one that busy-waits
    reads the same ones again and again while nothing changes. The count is taken by the grader's
    code, outside the engine's scope, so it changes no interleaving.
    """
    base = student.VendingMachine

    def __getattribute__(self, name):
        if reads.quiet:
            reads.count += 1
        return super(spy, self).__getattribute__(name)

    spy = type(base.__name__, (base,), {"__slots__": (), "__getattribute__": __getattribute__,
                                        "__module__": base.__module__, "__qualname__": base.__qualname__})
    machine = spy(capacity)
    for _ in range(capacity - stock):
        machine.buy()
    return machine


def _busy_words(count: int, ended: bool = True, while_: str = "") -> str:
    after = "" if ended else " It never got past that loop: the grader stopped it."
    while_ = while_ or f"While a customer waited in buy_waiting() and nothing changed for {QUIET:g} seconds"
    return (f"{while_}, your code read the machine's state {count} times: it busy-waits, checking again and again "
            f"in a loop (or polling with short sleeps) instead of sleeping until a refill wakes it.{after}")


def _busy_or(stuck, reads: list, while_: str):
    """A ``what=`` that fails the check as busy-waiting (with that idea) when the run never finished
    and the machine was read over and over while nothing changed; ``stuck`` otherwise."""

    def what(outcome):
        if outcome.kind in ("step-limit", "busy-wait") and reads[0].count > BUSY_READS:
            fail(_busy_words(reads[0].count, ended=False, while_=while_), idea="busy-wait")  # its own idea
        return stuck(outcome)

    return what


@pytest.mark.points(3)
def test_buy_waiting_wakes_on_refill(student, fake):
    """Customers waiting in buy_waiting() sleep until a refill wakes them (no busy-waiting), even with a rival."""
    capacity = fake.random_int(3, 5)
    stuck = when_stuck("A customer in buy_waiting() waited forever although the supplier refilled the machine: "
                       "the refill's wake-up was lost (it came between the customer's check and its wait), or the "
                       "customer woke up, found the item gone and never checked again.")

    reads = [_Reads()]

    def waits_quietly():
        """A customer who waits while nothing happens for a while, then gets a refill."""
        reads[0] = _Reads()
        machine = _spied_machine(student, capacity, 0, reads[0])
        got = []
        customer = threading.Thread(target=lambda: got.append(machine.buy_waiting()))
        reads[0].quiet = True  # from here on nothing changes for a while
        customer.start()
        time.sleep(QUIET)  # the engine's virtual clock: no real wait
        reads[0].quiet = False
        machine.refill()
        customer.join()
        expect(reads[0].count <= BUSY_READS, _busy_words(reads[0].count), idea="busy-wait")
        expect(plain_each(got, bool, "buy_waiting()") == [True],
               f"buy_waiting() should return True once it got an item; it returned {got}.")

    def busy_or_stuck(outcome):
        if outcome.kind in ("step-limit", "busy-wait") and reads[0].count > BUSY_READS:
            return _busy_words(reads[0].count, ended=False)
        return stuck(outcome)

    # first: a customer that busy-waits never gets through the checks below, and should hear why
    race_check(waits_quietly, runs=2, idea="busy-wait", what=busy_or_stuck)

    def just_in_time():
        """A refill that comes just as a customer starts to wait."""
        machine = _machine(student, capacity, 0)
        got = []
        _run(threading.Thread(target=lambda: got.append(machine.buy_waiting())),
             threading.Thread(target=machine.refill))
        expect(plain_each(got, bool, "buy_waiting()") == [True],
               f"buy_waiting() should return True once it got an item; it returned {got[0]!r}.")
        expect(_stock(machine) == 0, f"One item was refilled and bought: the stock should be 0, not {_stock(machine)}.",
               idea="read-modify-write")

    # the window between a customer's check and its wait is a few steps wide: PCT, which runs one
    # thread for long stretches and switches rarely, finds it far sooner than a coin toss per step
    race_check(just_in_time, runs=80, idea="lost-wakeup", what=stuck, strategy="pct")

    def with_a_rival():
        """Two customers waiting, refills, and a customer who buys without waiting."""
        machine = _machine(student, capacity, 0)
        got, seen = [], []

        def patient_customer():
            got.append(machine.buy_waiting())
            seen.append(machine.stock)

        def hasty_customer():
            time.sleep(1)
            machine.buy()
            seen.append(machine.stock)

        def supplier():
            time.sleep(1)  # the customers are waiting by now
            for _ in range(3):
                machine.refill()
                seen.append(machine.stock)

        _run(threading.Thread(target=patient_customer), threading.Thread(target=patient_customer),
             threading.Thread(target=hasty_customer), threading.Thread(target=supplier))
        expect(plain_each(got, bool, "buy_waiting()") == [True, True],
               f"buy_waiting() should return True once it got an item; it returned {got}.")
        _check_range(seen, capacity, "While customers waited for refills")

    race_check(with_a_rival, runs=40, idea="lost-wakeup", what=stuck)

    def two_machines():
        """A customer waiting at each of two machines; only the first machine is refilled."""
        first, second = _machine(student, 2, 0), _machine(student, 2, 0)
        got = {}

        def at_first():
            got["first"] = first.buy_waiting()

        def at_second():
            got["second"] = second.buy_waiting(timeout=2)

        def supplier():
            time.sleep(1)  # both customers are waiting by now
            first.refill()

        _run(threading.Thread(target=at_first), threading.Thread(target=at_second), threading.Thread(target=supplier))
        expect(got.get("second") is False,
               f"Nothing was refilled at the second machine, yet its buy_waiting(timeout=2) returned "
               f"{got.get('second')!r}.", idea="timeout")
        expect(got.get("first") is True and _stock(first) == 0,
               "The first machine was refilled while a customer waited at it, but that customer did not get the item "
               f"(buy_waiting returned {got.get('first')!r}, the stock is {_stock(first)}).", idea="lost-wakeup")

    stuck_elsewhere = when_stuck(
        "A customer waited forever at a machine that was refilled, while another customer waited at a second, empty "
        "machine: the refill's wake-up went to the customer at the other machine. Each machine needs its own lock "
        "and Condition (created in __init__, not shared by every machine as a class attribute), or a refill must "
        "wake every waiter (notify_all) so that each re-checks its own machine.")
    race_check(two_machines, runs=8, idea="lost-wakeup", what=stuck_elsewhere)


@pytest.mark.points(3)
def test_buy_waiting_honours_its_timeout(student, fake):
    """buy_waiting(timeout) gives up after the timeout, and takes an item that arrives before it."""
    # a fraction of a second and a few seconds on every seed (int(timeout) or a timeout taken as
    # milliseconds shows on one of them); the seed adds one more
    timeouts = [0.5, 2.5, fake.random_element([1, 1.5, 4])]

    calling = [f"buy_waiting(timeout={timeouts[0]}) on an empty machine"]

    reads = [_Reads()]

    def check(timeout):
        reads[0] = _Reads()
        machine = _spied_machine(student, 2, 0, reads[0])
        calling[0] = f"buy_waiting(timeout={timeout}) on an empty machine"
        started = time.monotonic()
        reads[0].quiet = True
        got = machine.buy_waiting(timeout=timeout)
        reads[0].quiet = False
        waited = time.monotonic() - started
        expect(got is False, f"buy_waiting(timeout={timeout}) on an empty machine should return False, not {got!r}.",
               idea="timeout")
        expect(timeout - 1e-6 <= waited <= timeout + 0.5,
               f"buy_waiting(timeout={timeout}) on an empty machine gave up after {waited:g} s: it should wait for "
               f"{timeout} s.", idea="timeout")
        calling[0] = "buy_waiting(timeout=0) on an empty machine"
        started = time.monotonic()
        got = machine.buy_waiting(timeout=0)
        expect(got is False and time.monotonic() - started < 0.05,
               f"buy_waiting(timeout=0) on an empty machine should return False at once; it returned {got!r}.",
               idea="timeout")

        def supplier():
            time.sleep(timeout / 2)
            machine.refill()

        refiller = threading.Thread(target=supplier)
        refiller.start()
        calling[0] = f"buy_waiting(timeout={timeout}), with an item arriving after {timeout / 2:g} s,"
        started = time.monotonic()
        got = machine.buy_waiting(timeout=timeout)
        waited = time.monotonic() - started
        refiller.join()
        expect(got is True,
               f"An item arrived {timeout / 2:g} s into buy_waiting(timeout={timeout}); the customer should have "
               f"taken it, but buy_waiting returned {got!r} after {waited:g} s.", idea="timeout")

        # a wake-up for an item a rival then takes: the time left is what is left of the first timeout
        machine.buy()  # empty again (the item above was bought)
        arrives = round(timeout * 0.6, 3)

        def supplier_and_rival():
            time.sleep(arrives)
            machine.refill()
            machine.buy()  # a hasty customer at the machine takes it, perhaps before the waiter wakes

        rival = threading.Thread(target=supplier_and_rival)
        rival.start()
        calling[0] = (f"buy_waiting(timeout={timeout}) on an empty machine, with an item arriving after {arrives:g} s "
                      "that another customer bought,")
        started = time.monotonic()
        got = machine.buy_waiting(timeout=timeout)
        waited = time.monotonic() - started
        rival.join()
        expect(got is True or waited <= timeout + 0.5,
               f"buy_waiting(timeout={timeout}) on an empty machine gave up after {waited:g} s: an item arrived after "
               f"{arrives:g} s but another customer bought it first, and the wait started over. The timeout counts "
               f"from the call, so it should give up {timeout} s after it was called: wait only for what is left "
               "of it (or use Condition.wait_for, which does).", idea="timeout")

    def body():
        for timeout in timeouts:
            check(timeout)

    stuck = when_stuck(lambda: f"{calling[0]} never returned: a wait with a timeout must give up when the time "
                               "is up (at once for timeout=0) and return False.")

    busy = _busy_or(stuck, reads, "While buy_waiting(timeout=...) waited on an empty machine")
    race_check(body, runs=4, idea="timeout", what=busy)

    # a refill that comes just as one waiting customer's timeout runs out, with a second customer waiting:
    # a wake-up sent to the customer who is giving up must not be lost for the other one (on a real
    # machine the giving-up customer's wait can return False after notify() chose it)
    late = [0.0, 1e-4, 3e-4, 6e-4, 1e-3, 2e-3]  # how long before the first customer's deadline the item arrives
    turn = [0]

    def gives_up_as_it_arrives():
        early = late[turn[0] % len(late)]
        turn[0] += 1
        machine = _machine(student, 3, 0)
        got = {}

        def hurried():
            got["hurried"] = machine.buy_waiting(timeout=0.5)

        def patient():
            got["patient"] = machine.buy_waiting(timeout=4)

        def supplier():
            time.sleep(0.5 - early)
            machine.refill()

        _run(threading.Thread(target=hurried), threading.Thread(target=patient), threading.Thread(target=supplier))
        left = _stock(machine)
        expect(got.get("hurried") is True or got.get("patient") is True,
               "Two customers waited at an empty machine, one with buy_waiting(timeout=0.5) and one with "
               "buy_waiting(timeout=4); an item arrived just as the first one's time ran out. Both gave up "
               f"(they returned {got.get('hurried')!r} and {got.get('patient')!r}) while the item stayed in the "
               f"machine (stock {left}): the refill's wake-up went to the customer who was giving up, and the other "
               "slept on. "
               "A customer whose wait ends must check the stock once more (Condition.wait_for does) or pass the "
               "wake-up on, or the refill must wake every waiter (notify_all).", idea="lost-wakeup")

    race_check(gives_up_as_it_arrives, runs=40, idea="lost-wakeup", strategy="random", what=when_stuck(
        "Two customers waited at an empty machine, with buy_waiting(timeout=0.5) and buy_waiting(timeout=4), and one "
        "item arrived just as the first one's time ran out; a call never returned: a wait with a timeout must give up "
        "when the time is up."))
