"""Pops from the caller's list: check_primes takes numbers from the list it was given, under a lock.
"""

import multiprocessing
import threading
from math import isqrt

lock = threading.Lock()


def is_prime(n):
    if n < 2:
        return False
    for d in range(2, isqrt(n) + 1):
        if n % d == 0:
            return False
    return True


def check_primes(numbers, n_threads=4):
    results = {}

    def worker():
        while True:
            with lock:
                if not numbers:
                    return
                n = numbers.pop()
            results[n] = is_prime(n)

    threads = [threading.Thread(target=worker) for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def count_primes_in_range(start, stop):
    return sum(1 for n in range(start, stop) if is_prime(n))


def _block(bounds):
    return count_primes_in_range(*bounds)


def count_primes_parallel(limit, n_processes=2):
    blocks = [(s, min(s + 1000, limit)) for s in range(0, limit, 1000)]
    with multiprocessing.Pool(n_processes) as pool:
        return sum(pool.map(_block, blocks))
