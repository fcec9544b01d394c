"""Threads share one iterator (next() is atomic); forkserver Pool with imap_unordered."""
import itertools
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


def count_primes_in_range(start, stop):
    return sum(1 for n in range(start, stop) if is_prime(n))


def check_primes(numbers, n_threads=4):
    source = iter(list(numbers))
    results = {}

    def worker():
        for n in source:
            results[n] = is_prime(n)

    threads = [threading.Thread(target=worker, name=f"w{i}") for i in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _count(bounds):
    return count_primes_in_range(*bounds)


def count_primes_parallel(limit, n_processes=2):
    edges = list(range(0, limit, max(1, limit // 16))) + [limit]
    chunks = list(itertools.pairwise(edges))
    with multiprocessing.get_context("forkserver").Pool(n_processes) as pool:
        return sum(pool.imap_unordered(_count, chunks))
