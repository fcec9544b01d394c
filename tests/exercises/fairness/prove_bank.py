"""Real-CPython evidence for the ``bank`` fairness samples (loaded by prove.py as ``prove_bank``).

``python prove.py bank bank/<sample>.py`` checks the README's requirements one by one with real
threads (switch interval 1e-6): numbering and balances, refused transfers, opposite transfers and
rings that must finish (a deadlock shows as daemon threads still running after a deadline), money
conserved and no overdraft under contention, ``total()`` consistent and deadlock-free while
transfers run, and accounts opened from many threads at once.
"""

# ruff: noqa: B023 - the stress bodies are closures started and joined inside their own loop turn

from __future__ import annotations

import random
import threading
import time
from pathlib import Path

from prove import Checks, in_thread

DEADLINE = 10.0  # seconds a stress run may take before its threads count as deadlocked


def run_threads(works, deadline: float = DEADLINE):
    """Run each callable in a daemon thread; return (names of threads still running after the
    deadline, exceptions raised by the workers)."""
    errors: list[str] = []

    def wrap(work):
        def run():
            try:
                work()
            except BaseException as exc:  # noqa: BLE001 - recorded as evidence
                errors.append(f"{type(exc).__name__}: {exc}")
        return run

    threads = [threading.Thread(target=wrap(w), name=f"worker-{i}", daemon=True) for i, w in enumerate(works)]
    for t in threads:
        t.start()
    end = time.monotonic() + deadline
    for t in threads:
        t.join(max(0.0, end - time.monotonic()))
    return [t.name for t in threads if t.is_alive()], errors


def prove(m, c: Checks, folder: Path) -> None:
    Bank, Funds = m.Bank, m.InsufficientFunds

    def functional():
        bank = Bank()
        if bank.total() != 0:
            return f"an empty bank's total() is {bank.total()!r}, not 0"
        a, b, c3 = bank.open_account("Ann", 120), bank.open_account("Ben", 30), bank.open_account("Ann", 7)
        if [x.number for x in (a, b, c3)] != [1, 2, 3]:
            return f"the first three accounts are numbered {[x.number for x in (a, b, c3)]}, not [1, 2, 3]"
        if [x.owner for x in (a, b, c3)] != ["Ann", "Ben", "Ann"]:
            return f"owners {[x.owner for x in (a, b, c3)]}"
        if [x.balance for x in (a, b, c3)] != [120, 30, 7]:
            return f"opening balances {[x.balance for x in (a, b, c3)]}, not [120, 30, 7]"
        d = bank.open_account("Dan")
        if d.balance != 0 or d.number != 4:
            return f"open_account('Dan') holds {d.balance} with number {d.number}, not 0 with number 4"
        got = bank.transfer(a, b, 20)
        if got is not None:
            return f"transfer returned {got!r}, not None"
        bank.transfer(b, c3, 50)
        bank.transfer(c3, a, 57)  # all of c3's money
        if [x.balance for x in (a, b, c3, d)] != [157, 0, 0, 0] or bank.total() != 157:
            return f"after three transfers: balances {[x.balance for x in (a, b, c3, d)]}, total {bank.total()}"
        try:
            a.balance = 5
            return "account.balance could be assigned"
        except AttributeError:
            pass
        if type(a.balance) is not int or type(bank.total()) is not int:
            return f"balance/total types {type(a.balance).__name__}/{type(bank.total()).__name__}, not int"

    def banks_independent():
        one, two = Bank(), Bank()
        one.open_account("Ann", 10)
        x = two.open_account("Ben", 200)
        if (one.total(), two.total(), x.number) != (10, 200, 1):
            return f"two banks: totals {one.total()}, {two.total()}, second bank's first number {x.number}"

    def bad_input():
        bank = Bank()
        try:
            bank.open_account("Eve", -1)
            return "open_account('Eve', -1) was accepted"
        except ValueError:
            pass
        a, b = bank.open_account("Ann", 40), bank.open_account("Ben", 0)
        cases = [((a, b, 0), ValueError), ((a, b, -3), ValueError), ((a, a, 1), ValueError), ((b, b, 1), ValueError),
                 ((a, b, 41), Funds), ((b, a, 1), Funds)]
        for args, wanted in cases:
            done, r = in_thread(lambda args=args: bank.transfer(*args), 3)
            what = f"transfer(#{args[0].number}, #{args[1].number}, {args[2]})"
            if not done:
                return f"{what} never returned (waited 3 s): it blocked on a lock"
            if not isinstance(r, wanted):
                return f"{what} gave {r!r}, not {wanted.__name__}"
        if (a.balance, b.balance, bank.total()) != (40, 0, 40):
            return f"refused transfers changed the balances to {a.balance}, {b.balance} (total {bank.total()})"
        if not issubclass(Funds, Exception):
            return "InsufficientFunds is not an Exception"

    def opposite_transfers():
        for rep in range(5):
            bank = Bank()
            owner = "Sam" if rep % 2 else None
            x = bank.open_account(owner or "Ann", 1000)
            y = bank.open_account(owner or "Ben", 1000)
            moved = [0] * 8

            def teller(i):
                def work():
                    src, dst = (x, y) if i % 2 == 0 else (y, x)
                    for _ in range(1500):
                        try:
                            bank.transfer(src, dst, 3)
                            moved[i] += 3 if i % 2 == 0 else -3
                        except Funds:
                            pass
                return work

            stuck, errors = run_threads([teller(i) for i in range(8)])
            if stuck:
                return (f"rep {rep}: 8 tellers moving money both ways between accounts #1 and #2 "
                        f"({'one owner' if owner else 'two owners'}): {len(stuck)} still running after "
                        f"{DEADLINE:.0f} s (deadlock)")
            if errors:
                return f"rep {rep}: a teller raised {errors[0]}"
            want = (1000 - sum(moved), 1000 + sum(moved))
            if (x.balance, y.balance) != want:
                return (f"rep {rep}: after both-way transfers whose successful calls moved {sum(moved):+d} from #1 "
                        f"to #2, balances are {x.balance}, {y.balance} instead of {want[0]}, {want[1]}")

    def ring():
        for rep in range(5):
            bank = Bank()
            accounts = [bank.open_account(f"p{i}", 500) for i in range(5)]

            def teller(i):
                def work():
                    for _ in range(1000):
                        bank.transfer(accounts[i], accounts[(i + 1) % 5], 1)
                        bank.transfer(accounts[(i + 1) % 5], accounts[i], 1)
                return work

            stuck, errors = run_threads([teller(i) for i in range(5)] + [teller(i) for i in range(5)])
            if stuck:
                return (f"rep {rep}: 10 tellers in a ring of 5 accounts: {len(stuck)} still running "
                        f"after {DEADLINE:.0f} s")
            if errors:
                return f"rep {rep}: a teller raised {errors[0]}"
            got = [a.balance for a in accounts]
            if got != [500] * 5:
                return f"rep {rep}: each transfer was undone by its opposite, yet balances are {got}"

    def money_conserved():
        for rep in range(5):
            bank = Bank()
            accounts = [bank.open_account(f"o{i % 3}", 300) for i in range(6)]
            net = [[0] * 6 for _ in range(8)]
            negative: list[int] = []

            def teller(i):
                def work():
                    rnd = random.Random(rep * 100 + i)
                    for _ in range(1500):
                        s, t = rnd.sample(range(6), 2)
                        amount = rnd.randint(1, 60)
                        try:
                            bank.transfer(accounts[s], accounts[t], amount)
                        except Funds:
                            continue
                        net[i][s] -= amount
                        net[i][t] += amount
                        if accounts[s].balance < 0:
                            negative.append(accounts[s].balance)
                return work

            stuck, errors = run_threads([teller(i) for i in range(8)])
            if stuck:
                return (f"rep {rep}: 8 tellers, random transfers among 6 accounts: {len(stuck)} still running "
                        f"after {DEADLINE:.0f} s")
            if errors:
                return f"rep {rep}: a teller raised {errors[0]}"
            got = [a.balance for a in accounts]
            want = [300 + sum(n[j] for n in net) for j in range(6)]
            if got != want:
                return (f"rep {rep}: after random transfers the balances are {got} (sum {sum(got)}), but the "
                        f"transfers that returned None add up to {want} (sum {sum(want)})")
            if negative:
                return f"rep {rep}: a balance was seen at {negative[0]}"

    def no_overdraft():
        for rep in range(300):
            bank = Bank()
            money = 50 + rep % 7
            source = bank.open_account("Rich", money)
            targets = [bank.open_account(f"t{i}", 0) for i in range(4)]
            ok: list[int] = []
            refused: list[int] = []
            go = threading.Event()

            def teller(i):
                def work():
                    go.wait()
                    try:
                        bank.transfer(source, targets[i], money)
                        ok.append(i)
                    except Funds:
                        refused.append(i)
                return work

            threads = [threading.Thread(target=teller(i), daemon=True) for i in range(4)]
            for t in threads:
                t.start()
            go.set()
            for t in threads:
                t.join(DEADLINE)
            if any(t.is_alive() for t in threads):
                return f"rep {rep}: four transfers of one account's whole balance never finished"
            got = [source.balance] + [t.balance for t in targets]
            if len(ok) != 1 or len(refused) != 3 or got[0] != 0 or sum(got) != money:
                return (f"rep {rep}: {money} in one account, four tellers each sent all of it at once: "
                        f"{len(ok)} succeeded, {len(refused)} refused, balances {got}")

    def total_during_transfers():
        for rep in range(5):
            bank = Bank()
            accounts = [bank.open_account(f"a{i}", 200) for i in range(4)]
            wrong: list[int] = []
            counted = [0]
            stop = threading.Event()

            def teller(i):
                def work():
                    rnd = random.Random(rep * 10 + i)
                    for _ in range(1500):
                        s, t = rnd.sample(range(4), 2)
                        try:
                            bank.transfer(accounts[s], accounts[t], rnd.randint(1, 40))
                        except Funds:
                            pass
                return work

            def auditor():
                while not stop.is_set():
                    got = bank.total()
                    counted[0] += 1
                    if got != 800:
                        wrong.append(got)
                    time.sleep(0.0002)  # an auditor, not a flood: transfers must get their turn too

            threads_done = []

            def tellers_then_stop():
                stuck, errors = run_threads([teller(i) for i in range(6)], DEADLINE)
                threads_done.append((stuck, errors))
                stop.set()

            stuck, errors = run_threads([tellers_then_stop, auditor, auditor], DEADLINE + 2)
            stop.set()
            inner = threads_done[0] if threads_done else (["tellers"], [])
            if stuck or inner[0]:
                return (f"rep {rep}: 6 tellers and 2 auditors calling total(): "
                        f"{len(inner[0]) or len(stuck)} thread(s) still running after {DEADLINE:.0f} s (deadlock)")
            if errors or inner[1]:
                return f"rep {rep}: a thread raised {(errors or inner[1])[0]}"
            if wrong:
                return (f"rep {rep}: 4 accounts held 800 together; total() during transfers said {wrong[0]} "
                        f"({len(wrong)} of {counted[0]} calls wrong)")
            if sum(a.balance for a in accounts) != 800:
                return f"rep {rep}: balances add up to {sum(a.balance for a in accounts)} after the transfers, not 800"

    def open_concurrently():
        for rep in range(10):
            bank = Bank()
            made: list = []

            def opener(i):
                def work():
                    for j in range(300):
                        made.append(bank.open_account(f"c{i}", j % 5))
                return work

            stuck, errors = run_threads([opener(i) for i in range(8)])
            if stuck or errors:
                return f"rep {rep}: opening accounts from 8 threads: stuck {len(stuck)}, errors {errors[:1]}"
            numbers = sorted(a.number for a in made)
            if numbers != list(range(1, 2401)):
                dup = sorted({n for n in numbers if numbers.count(n) > 1})
                return (f"rep {rep}: 2400 accounts opened from 8 threads got {len(set(numbers))} different numbers "
                        f"(duplicates such as {dup[:3]}, highest {numbers[-1]})")
            if bank.total() != sum(j % 5 for j in range(300)) * 8:
                return f"rep {rep}: total() {bank.total()} after concurrent openings"

    c.run("functional", functional)
    c.run("banks_independent", banks_independent)
    c.run("bad_input_refused", bad_input)
    c.run("opposite_transfers_finish", opposite_transfers)
    c.run("ring_finishes", ring)
    c.run("money_conserved", money_conserved)
    c.run("no_overdraft_race", no_overdraft)
    c.run("total_consistent_during_transfers", total_during_transfers)
    c.run("open_accounts_concurrently", open_concurrently)
