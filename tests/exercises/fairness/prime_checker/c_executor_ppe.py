"""ThreadPoolExecutor.map for the threads; ProcessPoolExecutor(max_tasks_per_child=1) for processes."""
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

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
    unique = list(dict.fromkeys(numbers))
    with ThreadPoolExecutor(max_workers=n_threads) as ex:
        return dict(zip(unique, ex.map(is_prime, unique)))


def count_primes_parallel(limit, n_processes=2):
    step = max(1, limit // (n_processes * 3))
    starts = list(range(0, limit, step))
    stops = [min(s + step, limit) for s in starts]
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(n_processes, mp_context=ctx, max_tasks_per_child=1) as ex:
        return sum(ex.map(count_primes_in_range, starts, stops))
