"""A generator as the shared pool, guarded by an RLock; starmap over a Pool."""
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
    def numbers_gen():
        yield from numbers

    gen = numbers_gen()
    lock = threading.RLock()
    results = {}

    def worker():
        while True:
            with lock:
                n = next(gen, None)
            if n is None:
                return
            ok = is_prime(n)
            with lock:
                results[n] = ok

    ts = [threading.Thread(target=worker) for _ in range(n_threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return results


def count_primes_parallel(limit, n_processes=2):
    step = max(1, limit // (n_processes * 4))
    chunks = [(a, min(a + step, limit)) for a in range(0, limit, step)]
    with multiprocessing.Pool(n_processes) as pool:
        return sum(pool.starmap(count_primes_in_range, chunks))

