"""Joins with a tiny timeout: t.join(timeout=0.001) returns while the threads are still checking.
"""

import multiprocessing
import threading
from collections import deque


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
    todo = deque(numbers)
    results = {}
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if not todo:
                    return
                n = todo.popleft()
            results[n] = is_prime(n)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=0.001)  # don't hang if a thread gets stuck
    return results


def count_primes_in_range(start, stop):
    return sum(1 for n in range(start, stop) if is_prime(n))


def count_primes_parallel(limit, n_processes=2):
    step = -(-limit // n_processes)
    with multiprocessing.Pool(n_processes) as pool:
        return sum(pool.starmap(count_primes_in_range,
                                [(i, min(i + step, limit)) for i in range(0, limit, step)]))
