"""A prime checker whose worker threads share one pool of numbers, and its CPU-bound twin.

Write ``is_prime``; ``check_primes``, whose threads take numbers from one shared pool so that
every number is checked exactly once; and ``count_primes_parallel``, which does its work in
worker processes, because threads cannot run Python code on two cores at once.
"""

import multiprocessing  # noqa: F401 - you will need it
import threading  # noqa: F401 - you will need it


def is_prime(n: int) -> bool:
    """True if ``n`` is a prime number; False for every number below 2."""
    # YOUR CODE HERE
    raise NotImplementedError()


def check_primes(numbers: list[int], n_threads: int = 4) -> dict[int, bool]:
    """Check every number with ``is_prime`` in ``n_threads`` threads that take numbers from one
    shared pool until it is empty. Return ``{n: is_prime(n)}`` for every number."""
    # YOUR CODE HERE
    raise NotImplementedError()


def count_primes_in_range(start: int, stop: int) -> int:
    """How many primes lie in ``range(start, stop)``, by calling ``is_prime``. A worker process
    runs this on its share of the numbers (a function at the top level of the module, so that
    the worker processes can find it)."""
    # YOUR CODE HERE
    raise NotImplementedError()


def count_primes_parallel(limit: int, n_processes: int = 2) -> int:
    """How many primes lie below ``limit``, computed in ``n_processes`` worker processes that
    each call ``is_prime`` on their share of the numbers."""
    # YOUR CODE HERE
    raise NotImplementedError()
