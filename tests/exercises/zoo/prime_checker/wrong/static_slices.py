"""Every n_threads-th number for each thread (a fixed slice, no shared pool): a thread whose slice holds
the slow numbers is still checking while the others sit idle."""
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
    numbers = list(numbers)
    results = {}

    def worker(my_numbers):
        for n in my_numbers:
            results[n] = is_prime(n)

    # every thread gets its own slice: no sharing, so no lock needed
    threads = [threading.Thread(target=worker, args=(numbers[k::n_threads],)) for k in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def count_primes_in_range(start, stop):
    return sum(1 for n in range(start, stop) if is_prime(n))


def count_primes_parallel(limit, n_processes=2):
    block = max(1, limit // (n_processes * 8))
    ranges = [(s, min(s + block, limit)) for s in range(0, limit, block)]
    with multiprocessing.Pool(n_processes) as pool:
        return sum(pool.starmap(count_primes_in_range, ranges))
