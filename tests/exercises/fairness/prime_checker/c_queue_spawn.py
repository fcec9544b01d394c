"""Queue-fed worker threads with sentinels; a spawn-context Pool for the processes."""
import multiprocessing
import queue
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
    q = queue.Queue()
    for n in numbers:
        q.put(n)
    for _ in range(n_threads):
        q.put(None)
    out = {}
    out_lock = threading.Lock()

    def worker():
        while (n := q.get()) is not None:
            r = is_prime(n)
            with out_lock:
                out[n] = r

    threads = [threading.Thread(target=worker) for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def count_primes_parallel(limit, n_processes=2):
    ctx = multiprocessing.get_context("spawn")
    bounds = [(i * limit // (n_processes * 4), (i + 1) * limit // (n_processes * 4))
              for i in range(n_processes * 4)]
    with ctx.Pool(n_processes) as pool:
        return sum(pool.starmap(count_primes_in_range, bounds))
