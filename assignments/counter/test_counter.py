"""Public checks for counter.py. Run them with `autograder check counter` (or `pytest` here).

The race test runs your code under the grader's race engine: it decides which thread runs next
between every instruction of your code, so a lost update shows up within a second, every time.
"""

import threading

from autograder.testing import expect, race_check

STUDENT_MODULE = "counter"


def test_starts_at_zero_and_counts(student):
    counter = student.Counter()
    expect(counter.value == 0, f"Counter() should start at 0, not {counter.value}.")
    counter.increment()
    counter.increment(5)
    counter.decrement(2)
    expect(counter.value == 4, f"0 + 1 + 5 - 2 should be 4, but value is {counter.value}.")
    expect(student.Counter(10).value == 10, "Counter(10) should start at 10.")


def test_two_threads_lose_no_increments(student):
    def body():
        counter = student.Counter()

        def work():
            for _ in range(20):
                counter.increment()

        threads = [threading.Thread(target=work) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        expect(counter.value == 40, f"{40 - counter.value} of 40 increments were lost.")

    race_check(body, runs=60, idea="read-modify-write")


def test_count_concurrently(student):
    def body():
        got = student.count_concurrently(2, 10)
        expect(got == 20, f"count_concurrently(2, 10) returned {got}, not 20.")

    race_check(body, runs=30, idea="read-modify-write")
