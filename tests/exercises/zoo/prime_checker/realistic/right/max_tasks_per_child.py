"""ProcessPoolExecutor with max_tasks_per_child: fresh workers after 50 tasks (which makes the executor spawn them).
"""

from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def is_prime(n: int) -> bool:
    if n < 2:
        return False
    return all(n % d for d in range(2, int(n ** 0.5) + 1))


def check_primes(numbers: list[int], n_threads: int = 4) -> dict[int, bool]:
    todo = list(numbers)
    with ThreadPoolExecutor(n_threads) as pool:
        return dict(zip(todo, pool.map(is_prime, todo)))


def count_primes_in_range(start: int, stop: int) -> int:
    return sum(map(is_prime, range(start, stop)))


def count_primes_parallel(limit: int, n_processes: int = 2) -> int:
    size = max(1, limit // (4 * n_processes))
    starts = list(range(0, limit, size))
    stops = [min(s + size, limit) for s in starts]
    with ProcessPoolExecutor(max_workers=n_processes, max_tasks_per_child=50) as pool:
        return sum(pool.map(count_primes_in_range, starts, stops))
