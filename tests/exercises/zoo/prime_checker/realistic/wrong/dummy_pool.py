"""multiprocessing.dummy.Pool: the same API as a process pool, but its workers are threads.
"""

import threading
from multiprocessing.dummy import Pool


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
    pool = list(numbers)
    results = {}
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if not pool:
                    return
                n = pool.pop()
            answer = is_prime(n)
            with lock:
                results[n] = answer

    threads = [threading.Thread(target=worker) for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def count_primes_in_range(start, stop):
    return sum(1 for n in range(start, stop) if is_prime(n))


def count_primes_parallel(limit, n_processes=2):
    step = -(-limit // n_processes)
    with Pool(n_processes) as pool:
        return sum(pool.starmap(count_primes_in_range,
                                [(i, min(i + step, limit)) for i in range(0, limit, step)]))
