"""itertools.count index: threads take the next index with next() on one itertools.count (atomic in C); a
ProcessPoolExecutor for the processes."""
import itertools
import math
import threading
from concurrent.futures import ProcessPoolExecutor


def is_prime(n: int) -> bool:
    if n < 2:
        return False
    if n < 4:
        return True
    if n % 2 == 0:
        return False
    for d in range(3, math.isqrt(n) + 1, 2):
        if n % d == 0:
            return False
    return True


def check_primes(numbers, n_threads=4):
    numbers = list(numbers)
    next_index = itertools.count()
    results = {}

    def worker():
        while True:
            i = next(next_index)
            if i >= len(numbers):
                return
            n = numbers[i]
            results[n] = is_prime(n)

    threads = [threading.Thread(target=worker, name=f"prime-{k}") for k in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def count_primes_in_range(start, stop):
    return sum(map(is_prime, range(start, stop)))


def count_primes_parallel(limit, n_processes=2):
    step = max(1, limit // (4 * n_processes))
    starts = list(range(0, limit, step))
    stops = [min(s + step, limit) for s in starts]
    with ProcessPoolExecutor(max_workers=n_processes) as pool:
        return sum(pool.map(count_primes_in_range, starts, stops))
