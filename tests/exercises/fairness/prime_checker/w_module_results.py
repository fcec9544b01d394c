"""Wrong: one module-level results dict, cleared at each call: two calls at once mix their numbers."""
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


_results = {}
_lock = threading.Lock()


def check_primes(numbers, n_threads=4):
    _results.clear()
    pool = list(numbers)

    def worker():
        while True:
            with _lock:
                if not pool:
                    return
                n = pool.pop()
            r = is_prime(n)
            with _lock:
                _results[n] = r

    ts = [threading.Thread(target=worker) for _ in range(n_threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return dict(_results)


def count_primes_parallel(limit, n_processes=2):
    step = max(1, limit // (n_processes * 4))
    chunks = [(a, min(a + step, limit)) for a in range(0, limit, step)]
    with multiprocessing.Pool(n_processes) as pool:
        return sum(pool.starmap(count_primes_in_range, chunks))

