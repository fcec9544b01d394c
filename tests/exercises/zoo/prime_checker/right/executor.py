"""ThreadPoolExecutor: executor.map(is_prime, numbers) with n_threads workers; Process objects and a Queue count.
"""

import multiprocessing
from concurrent.futures import ThreadPoolExecutor


def is_prime(n):
    if n < 2:
        return False
    i = 2
    while i * i <= n:
        if n % i == 0:
            return False
        i += 1
    return True


def check_primes(numbers, n_threads=4):
    with ThreadPoolExecutor(max_workers=n_threads) as executor:
        answers = executor.map(is_prime, numbers)  # the pool's work queue is the shared pool
        return dict(zip(numbers, answers))


def count_primes_in_range(start, stop, out=None):
    count = sum(1 for n in range(start, stop) if is_prime(n))
    if out is not None:
        out.put(count)
    return count


def count_primes_parallel(limit, n_processes=2):
    results = multiprocessing.Queue()
    share = -(-max(limit, 0) // n_processes)  # ceiling division
    workers = [
        multiprocessing.Process(target=count_primes_in_range,
                                args=(i * share, min((i + 1) * share, limit), results))
        for i in range(n_processes)
    ]
    for w in workers:
        w.start()
    total = sum(results.get() for _ in workers)
    for w in workers:
        w.join()
    return total
