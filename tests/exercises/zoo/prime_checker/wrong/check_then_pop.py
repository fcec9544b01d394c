"""Check-then-act on the pool: `if pool: pool.pop()` without a lock lets two threads pop the last number.
"""

import multiprocessing
import threading


def is_prime(n):
    if n < 2:
        return False
    d = 2
    while d * d <= n:
        if n % d == 0:
            return False
        d += 1
    return True


def check_primes(numbers, n_threads=4):
    pool = list(numbers)
    results = {}

    def worker():
        while pool:  # another thread may take the last number right after this check
            n = pool.pop()
            results[n] = is_prime(n)

    threads = [threading.Thread(target=worker) for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def count_primes_in_range(start, stop):
    return sum(1 for n in range(start, stop) if is_prime(n))


def count_primes_parallel(limit, n_processes=2):
    step = max(1, limit // (8 * n_processes))
    blocks = [(lo, min(lo + step, limit)) for lo in range(0, limit, step)]
    with multiprocessing.Pool(n_processes) as pool:
        return sum(pool.starmap(count_primes_in_range, blocks))
