"""Public checks for bank.py. Run them with `autograder check bank` (or `pytest` here).

The race tests run your code under the grader's race engine, which decides which thread runs next
between every instruction of your code. A deadlock is reported at once, with the lock each thread
holds and the line where each one waits, instead of hanging.
"""

import threading

from autograder.testing import expect, race_check

STUDENT_MODULE = "bank"


def test_a_transfer_moves_money(student):
    bank = student.Bank()
    alice, bob = bank.open_account("Alice", 100), bank.open_account("Bob")
    expect((alice.number, bob.number) == (1, 2), "The first two accounts should be numbered 1 and 2.")
    bank.transfer(alice, bob, 30)
    expect((alice.balance, bob.balance) == (70, 30), "After moving 30 from Alice to Bob: 70 and 30.")
    try:
        bank.transfer(bob, alice, 31)
    except student.InsufficientFunds:
        pass
    else:
        raise AssertionError("Bob holds 30: a transfer of 31 should raise InsufficientFunds.")
    expect(bank.total() == 100, f"total() should be 100, not {bank.total()}.")


def test_opposite_transfers_do_not_deadlock(student):
    def body():
        bank = student.Bank()
        alice, bob = bank.open_account("Alice", 100), bank.open_account("Bob", 100)
        tellers = [threading.Thread(target=bank.transfer, args=(alice, bob, 10), name="Alice -> Bob"),
                   threading.Thread(target=bank.transfer, args=(bob, alice, 20), name="Bob -> Alice")]
        for teller in tellers:
            teller.start()
        for teller in tellers:
            teller.join()
        expect((alice.balance, bob.balance) == (110, 90),
               f"After 10 went one way and 20 the other: 110 and 90, not {alice.balance} and {bob.balance}.")

    race_check(body, runs=30, idea="lock-order")


def test_total_while_money_moves(student):
    def body():
        bank = student.Bank()
        accounts = [bank.open_account(name, 100) for name in ("Alice", "Bob", "Carol")]
        totals = []
        threads = [threading.Thread(target=bank.transfer, args=(accounts[0], accounts[1], 10)),
                   threading.Thread(target=lambda: totals.append(bank.total())),
                   threading.Thread(target=bank.transfer, args=(accounts[1], accounts[2], 20))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        expect(totals == [300], f"total() should always be 300 while money only moves around, not {totals[0]}.")

    race_check(body, runs=30, idea="consistent-snapshot")
