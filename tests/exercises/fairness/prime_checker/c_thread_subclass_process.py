"""Thread subclass workers with a shared index under a lock; multiprocessing.Process + Queue."""
import functools
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


class PrimeWorker(threading.Thread):
    def __init__(self, job):
        super().__init__()
        self.job = job

    def run(self):
        while (n := self.job.take()) is not None:
            self.job.store(n, is_prime(n))


class Job:
    def __init__(self, numbers):
        self.numbers = list(numbers)
        self.index = 0
        self.results = {}
        self.lock = threading.Lock()

    def take(self):
        with self.lock:
            if self.index >= len(self.numbers):
                return None
            self.index += 1
            return self.numbers[self.index - 1]

    def store(self, n, r):
        with self.lock:
            self.results[n] = r


def check_primes(numbers, n_threads=4):
    job = Job(numbers)
    workers = [PrimeWorker(job) for _ in range(n_threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return job.results


def _child(ranges, out):
    out.put(sum(count_primes_in_range(a, b) for a, b in ranges))


def count_primes_parallel(limit, n_processes=2):
    step = max(1, limit // (n_processes * 4))
    ranges = [(a, min(a + step, limit)) for a in range(0, limit, step)]
    out = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=functools.partial(_child, ranges[i::n_processes], out))
             for i in range(n_processes)]
    for p in procs:
        p.start()
    total = sum(out.get() for _ in procs)
    for p in procs:
        p.join()
    return total
