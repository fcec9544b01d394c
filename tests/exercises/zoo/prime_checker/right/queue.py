"""Queue: workers take numbers with get_nowait() until queue.Empty; a ProcessPoolExecutor counts in processes.
"""

import math
import queue
import threading
from concurrent.futures import ProcessPoolExecutor


def is_prime(n: int) -> bool:
    if n <= 1:
        return False
    if n <= 3:
        return True
    if n % 2 == 0:
        return False
    for d in range(3, math.isqrt(n) + 1, 2):
        if n % d == 0:
            return False
    return True


def check_primes(numbers: list[int], n_threads: int = 4) -> dict[int, bool]:
    todo: queue.Queue[int] = queue.Queue()
    for n in numbers:
        todo.put(n)
    answers: queue.Queue[tuple[int, bool]] = queue.Queue()

    def worker() -> None:
        while True:
            try:
                n = todo.get_nowait()
            except queue.Empty:
                return
            answers.put((n, is_prime(n)))

    threads = [threading.Thread(target=worker, name=f"checker-{i}") for i in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    results = {}
    while not answers.empty():
        n, answer = answers.get()
        results[n] = answer
    return results


def count_primes_in_range(start: int, stop: int) -> int:
    return sum(is_prime(n) for n in range(start, stop))


def count_primes_parallel(limit: int, n_processes: int = 2) -> int:
    # every process takes every n_processes-th block of 1000 numbers
    blocks = [(lo, min(lo + 1000, limit)) for lo in range(0, limit, 1000)]
    with ProcessPoolExecutor(max_workers=n_processes) as pool:
        futures = [pool.submit(count_primes_in_range, lo, hi) for lo, hi in blocks]
        return sum(f.result() for f in futures)
