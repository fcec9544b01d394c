"""multiprocessing ThreadPool: a ThreadPool for the threads; Process and Queue for the processes."""
import multiprocessing
from functools import lru_cache
from multiprocessing.pool import ThreadPool


@lru_cache(maxsize=None)
def is_prime(n: int) -> bool:
    if n < 2:
        return False
    d = 2
    while d * d <= n:
        if n % d == 0:
            return False
        d += 1
    return True


def check_primes(numbers, n_threads=4):
    numbers = list(numbers)
    pool = ThreadPool(n_threads)
    try:
        answers = pool.map(lambda n: is_prime(n), numbers, chunksize=1)
    finally:
        pool.close()
        pool.join()
    return dict(zip(numbers, answers))


def count_primes_in_range(start, stop):
    return sum(1 for n in range(start, stop) if is_prime(n))


def _work(blocks, out):
    out.put(sum(count_primes_in_range(a, b) for a, b in blocks))


def count_primes_parallel(limit, n_processes=2):
    size = 500
    blocks = [(a, min(a + size, limit)) for a in range(0, limit, size)]
    out = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=_work, args=(blocks[k::n_processes], out))
             for k in range(n_processes)]
    for p in procs:
        p.start()
    total = sum(out.get() for _ in procs)   # read before join: a full pipe would block the child
    for p in procs:
        p.join()
    return total
