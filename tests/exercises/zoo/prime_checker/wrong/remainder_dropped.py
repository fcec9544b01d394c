"""count_primes_parallel splits the range into n_processes parts of limit // n_processes and
drops the last limit % n_processes numbers."""
import multiprocessing
import threading


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
    pool = list(numbers)
    results = {}
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if not pool:
                    return
                n = pool.pop()
            results[n] = is_prime(n)

    threads = [threading.Thread(target=worker) for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def count_primes_in_range(start, stop):
    return sum(1 for n in range(start, stop) if is_prime(n))


def count_primes_parallel(limit, n_processes=2):
    chunk = limit // n_processes
    ranges = [(i * chunk, (i + 1) * chunk) for i in range(n_processes)]
    with multiprocessing.Pool(n_processes) as pool:
        return sum(pool.starmap(count_primes_in_range, ranges))
