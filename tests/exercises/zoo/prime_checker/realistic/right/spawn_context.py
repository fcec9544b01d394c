"""spawn context: a spawn-context Pool (the start method of macOS and Windows); threads take from a queue.
"""

import multiprocessing
import queue
import threading


def is_prime(n):
    if n <= 1:
        return False
    if n <= 3:
        return True
    if n % 2 == 0 or n % 3 == 0:
        return False
    i = 5
    while i * i <= n:
        if n % i == 0 or n % (i + 2) == 0:
            return False
        i += 6
    return True


def check_primes(numbers, n_threads=4):
    todo = queue.Queue()
    for n in numbers:
        todo.put(n)
    results = {}

    def worker():
        while True:
            try:
                n = todo.get_nowait()
            except queue.Empty:
                break
            results[n] = is_prime(n)

    threads = []
    for _ in range(n_threads):
        t = threading.Thread(target=worker)
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    return results


def count_primes_in_range(start, stop):
    return sum(1 for n in range(start, stop) if is_prime(n))


def count_primes_parallel(limit, n_processes=2):
    chunk = 500
    jobs = [(s, min(s + chunk, limit)) for s in range(0, limit, chunk)]
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(processes=n_processes) as pool:
        return sum(pool.starmap(count_primes_in_range, jobs))
