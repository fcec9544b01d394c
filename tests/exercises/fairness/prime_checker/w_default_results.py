"""Wrong: results dict as a mutable default argument, shared by every call."""
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


def check_primes(numbers, n_threads=4, results={}):
    pool = list(numbers)
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if not pool:
                    return
                n = pool.pop()
            results[n] = is_prime(n)

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

