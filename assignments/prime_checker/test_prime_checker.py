"""Public checks for prime_checker.py. Run them with `autograder check prime_checker` (or `pytest` here).

The race test runs check_primes under the grader's race engine, which decides which thread runs
next between every instruction of your code, so two threads that take the same number from the
pool are caught within a second. count_primes_parallel runs real processes, outside the engine.
"""

from autograder.testing import expect, race_check

STUDENT_MODULE = "prime_checker"


def test_is_prime(student):
    primes = [n for n in range(-5, 60) if student.is_prime(n)]
    wanted = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59]
    expect(primes == wanted, f"The primes below 60 are {wanted}; is_prime found {primes}.")


def test_check_primes_checks_each_number_once(student, monkeypatch):
    checked = []
    original = student.is_prime

    def counting_is_prime(n):
        checked.append(n)
        return original(n)

    monkeypatch.setattr(student, "is_prime", counting_is_prime)  # check_primes must call is_prime
    numbers = [91, 97, 25, 2, 49, 53]

    def body():
        checked.clear()
        got = student.check_primes(numbers, n_threads=3)
        expect(sorted(checked) == sorted(numbers),
               f"Every number should be checked exactly once; is_prime was called with {sorted(checked)}.")
        expect(got == {n: original(n) for n in numbers}, f"check_primes returned {got}.")

    race_check(body, runs=40, idea="work-twice")


def test_count_primes_parallel(student):
    got = student.count_primes_parallel(100, n_processes=2)
    expect(got == 25, f"There are 25 primes below 100; count_primes_parallel(100) returned {got!r}.")
