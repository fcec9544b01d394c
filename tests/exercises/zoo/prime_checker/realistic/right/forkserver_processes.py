"""forkserver Process objects: forkserver-context processes put counts on a Queue; a Thread subclass checks.
"""

import multiprocessing
import threading


def is_prime(number):
    if number < 2:
        return False
    for d in range(2, int(number ** 0.5) + 1):
        if number % d == 0:
            return False
    return True


class Checker(threading.Thread):
    def __init__(self, pool, lock, results):
        super().__init__()
        self.pool = pool
        self.lock = lock
        self.results = results

    def run(self):
        while True:
            with self.lock:
                if len(self.pool) == 0:
                    break
                number = self.pool.pop(0)
            answer = is_prime(number)
            with self.lock:
                self.results[number] = answer


def check_primes(numbers, n_threads=4):
    pool = list(numbers)
    lock = threading.Lock()
    results = {}
    checkers = [Checker(pool, lock, results) for _ in range(n_threads)]
    for c in checkers:
        c.start()
    for c in checkers:
        c.join()
    return results


def count_primes_in_range(start, stop, out=None):
    total = 0
    for n in range(start, stop):
        if is_prime(n):
            total += 1
    if out is not None:
        out.put(total)
    return total


def count_primes_parallel(limit, n_processes=2):
    ctx = multiprocessing.get_context("forkserver")
    out = ctx.Queue()
    step = limit // n_processes + 1
    procs = []
    for i in range(n_processes):
        p = ctx.Process(target=count_primes_in_range, args=(i * step, min(limit, (i + 1) * step), out))
        p.start()
        procs.append(p)
    total = sum(out.get() for _ in procs)
    for p in procs:
        p.join()
    return total
