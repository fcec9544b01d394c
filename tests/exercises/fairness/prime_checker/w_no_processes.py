"""Wrong: count_primes_parallel uses threads (one process) instead of worker processes."""
import threading
from concurrent.futures import ThreadPoolExecutor

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
    pool = list(numbers)
    results = {}
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if not pool:
                    return
                n = pool.pop()
            r = is_prime(n)
            with lock:
                results[n] = r

    ts = [threading.Thread(target=worker) for _ in range(n_threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return results


def count_primes_parallel(limit, n_processes=2):
    step = max(1, limit // (n_processes * 4))
    chunks = [(a, min(a + step, limit)) for a in range(0, limit, step)]
    with ThreadPoolExecutor(n_processes) as ex:
        return sum(ex.map(lambda c: count_primes_in_range(*c), chunks))
