"""A prime checker whose worker threads share one pool of numbers, and its CPU-bound twin.

Write ``is_prime``; ``check_primes``, whose threads take numbers from one shared pool so that
every number is checked exactly once; and ``count_primes_parallel``, which does its work in
worker processes, because threads cannot run Python code on two cores at once.
"""

import multiprocessing  # noqa: F401 - you will need it
import threading  # noqa: F401 - you will need it


def is_prime(n: int) -> bool:
    """True if ``n`` is a prime number; False for every number below 2."""
    ### BEGIN SOLUTION
    if n < 2:
        return False
    divisor = 2
    while divisor * divisor <= n:  # `<`, not `<=`, would call 25 prime
        if n % divisor == 0:
            return False
        divisor += 1
    return True
    ### END SOLUTION


def check_primes(numbers: list[int], n_threads: int = 4) -> dict[int, bool]:
    """Check every number with ``is_prime`` in ``n_threads`` threads that take numbers from one
    shared pool until it is empty. Return ``{n: is_prime(n)}`` for every number."""
    ### BEGIN SOLUTION
    pool = list(numbers)
    results: dict[int, bool] = {}
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:  # taking a number is one atomic step
                if not pool:
                    return
                n = pool.pop()
            answer = is_prime(n)  # the work itself runs outside the lock
            with lock:
                results[n] = answer

    threads = [threading.Thread(target=worker) for _ in range(n_threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
    ### END SOLUTION


def count_primes_in_range(start: int, stop: int) -> int:
    """How many primes lie in ``range(start, stop)``, by calling ``is_prime``. A worker process
    runs this on its share of the numbers (a function at the top level of the module, so that
    the worker processes can find it)."""
    ### BEGIN SOLUTION
    return sum(1 for n in range(start, stop) if is_prime(n))
    ### END SOLUTION


def count_primes_parallel(limit: int, n_processes: int = 2) -> int:
    """How many primes lie below ``limit``, computed in ``n_processes`` worker processes that
    each call ``is_prime`` on their share of the numbers."""
    ### BEGIN SOLUTION
    # interleaved shares (0, 2, 4... and 1, 3, 5...) would put all even numbers in one process;
    # small blocks dealt out in turn keep the work balanced
    block = max(1, limit // (n_processes * 8))
    ranges = [(start, min(start + block, limit)) for start in range(0, limit, block)]
    with multiprocessing.Pool(n_processes) as pool:
        return sum(pool.starmap(count_primes_in_range, ranges))
    ### END SOLUTION
