"""Public checks for vending_machine.py. Run them with `autograder check vending_machine` (or `pytest` here).

The race tests run your code under the grader's race engine, which decides which thread runs next
between every instruction of your code. Its clock is virtual: a wait of 2 seconds takes no real
time, and a thread that would wait forever is reported as a deadlock instead of hanging.
"""

import threading
import time

from autograder.testing import expect, race_check

STUDENT_MODULE = "vending_machine"


def test_sells_and_refills(student):
    machine = student.VendingMachine(2)
    expect(machine.stock == 2 and machine.capacity == 2, "VendingMachine(2) should start full, with 2 items.")
    expect(machine.refill() is False, "refill() on a full machine should return False.")
    expect([machine.buy(), machine.buy(), machine.buy()] == [True, True, False],
           "Two items can be bought, then buy() returns False.")
    expect(machine.refill() is True and machine.stock == 1, "refill() on an empty machine adds one item.")


def test_two_customers_and_one_item(student):
    def body():
        machine = student.VendingMachine(3)
        machine.buy()
        machine.buy()  # one item left
        sold = []
        customers = [threading.Thread(target=lambda: sold.append(machine.buy())) for _ in range(2)]
        for customer in customers:
            customer.start()
        for customer in customers:
            customer.join()
        expect(sorted(sold) == [False, True],
               f"Only one of two customers can get the last item; buy() returned {sold}.")
        expect(machine.stock == 0, f"The machine should be empty, but its stock is {machine.stock}.")

    race_check(body, runs=40, idea="check-then-act")


def _at_once(*actions):
    threads = [threading.Thread(target=action) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_two_suppliers_and_one_free_slot(student):
    def body():
        machine = student.VendingMachine(2)
        machine.buy()  # room for one item
        filled = []
        _at_once(lambda: filled.append(machine.refill()), lambda: filled.append(machine.refill()))
        expect(sorted(filled) == [False, True],
               f"Only one of two suppliers can fill the one free slot; refill() returned {filled}.")
        expect(machine.stock == 2, f"The machine should be full (2 items), but its stock is {machine.stock}.")

    race_check(body, runs=40, idea="check-then-act")


def test_two_customers_and_two_items(student):
    def body():
        machine = student.VendingMachine(2)
        sold = []
        _at_once(lambda: sold.append(machine.buy()), lambda: sold.append(machine.buy()))
        expect(sold == [True, True], f"Two customers can each buy one of two items; buy() returned {sold}.")
        expect(machine.stock == 0, f"Both items were sold: the stock should be 0, not {machine.stock}.")

    race_check(body, runs=40, idea="read-modify-write")


def test_a_waiting_customer_gets_the_refill(student):
    def body():
        machine = student.VendingMachine(1)
        machine.buy()
        got = []
        customer = threading.Thread(target=lambda: got.append(machine.buy_waiting()))
        customer.start()
        time.sleep(1)  # virtual time: the customer is waiting now
        machine.refill()
        customer.join()
        expect(got == [True], f"buy_waiting() should return True once the refill arrived, not {got}.")
        started = time.monotonic()
        expect(machine.buy_waiting(timeout=2) is False, "buy_waiting(timeout=2) on an empty machine returns False.")
        expect(time.monotonic() - started >= 2 - 1e-6, "buy_waiting(timeout=2) should wait 2 seconds first.")

    race_check(body, runs=20, idea="lost-wakeup")
