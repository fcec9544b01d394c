"""Small programs from classic lessons on Python threads, each racy version next to a correct one.

Every ``racy_*`` / ``correct_*`` function is a test body for the engine: it builds its objects,
starts threads, joins them and asserts.
"""

from __future__ import annotations

import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor

# ---------------------------------------------------------------- the num_threads += 1 counter

num_threads = 0
num_threads_lock = threading.Lock()  # a module-level lock, created at import time


def _bump_unsafe(times: int) -> None:
    global num_threads
    for _ in range(times):
        num_threads += 1


def _bump_safe(times: int) -> None:
    global num_threads
    for _ in range(times):
        with num_threads_lock:
            num_threads += 1


def _run_counter(worker) -> None:
    global num_threads
    num_threads = 0
    threads = [threading.Thread(target=worker, args=(50,)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert num_threads == 100, f"{100 - num_threads} of 100 increments were lost"


def racy_counter() -> None:
    _run_counter(_bump_unsafe)


def correct_counter() -> None:
    _run_counter(_bump_safe)


# ------------------------------------------------------- a counter whose own code spawns threads


class Counter:
    def __init__(self) -> None:
        self.value = 0
        self._lock = threading.Lock()

    def increment_unsafe(self) -> None:
        self.value += 1

    def increment(self) -> None:
        with self._lock:
            self.value += 1


def count_concurrently(n_threads: int, per_thread: int, safe: bool) -> int:
    counter = Counter()
    bump = counter.increment if safe else counter.increment_unsafe

    def work() -> None:
        for _ in range(per_thread):
            bump()

    threads = [threading.Thread(target=work) for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counter.value


def racy_spawned_counter() -> None:
    assert count_concurrently(4, 10, safe=False) == 40


def correct_spawned_counter() -> None:
    assert count_concurrently(4, 10, safe=True) == 40


# ------------------------------------------------------------------- check-then-act stock counter


class Stock:
    def __init__(self, items: int) -> None:
        self.items = items
        self.sold = 0
        self.lock = threading.Lock()

    def sell_unsafe(self) -> bool:
        if self.items > 0:  # check ...
            self.items -= 1  # ... then act: another thread may have sold the last one meanwhile
            self.sold += 1
            return True
        return False

    def sell(self) -> bool:
        with self.lock:
            if self.items > 0:
                self.items -= 1
                self.sold += 1
                return True
            return False


def _run_stock(safe: bool) -> None:
    stock = Stock(2)
    sell = stock.sell if safe else stock.sell_unsafe
    threads = [threading.Thread(target=sell) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert stock.items >= 0, f"stock went negative: {stock.items}"
    assert stock.sold == 2


def racy_stock() -> None:
    _run_stock(safe=False)


def correct_stock() -> None:
    _run_stock(safe=True)


# -------------------------------------------------------------- candy machine (BoundedSemaphore)


class CandyMachine:
    """Slots counted by a semaphore; refill must never overfill the tray."""

    def __init__(self, capacity: int, bounded: bool) -> None:
        self.capacity = capacity
        self.tray = (threading.BoundedSemaphore if bounded else threading.Semaphore)(capacity)
        self.lock = threading.Lock()

    def buy(self) -> bool:
        return self.tray.acquire(blocking=False)

    def refill(self) -> bool:
        with self.lock:
            try:
                self.tray.release()
            except ValueError:
                return False  # full: a BoundedSemaphore refuses
            return True

    def stock(self) -> int:
        return self.tray._value


def _run_candy(bounded: bool) -> None:
    machine = CandyMachine(2, bounded)
    threads = [threading.Thread(target=machine.buy), threading.Thread(target=machine.refill),
               threading.Thread(target=machine.refill)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert 0 <= machine.stock() <= machine.capacity, f"stock {machine.stock()} outside 0..2"


def racy_candy() -> None:
    _run_candy(bounded=False)


def correct_candy() -> None:
    _run_candy(bounded=True)


# -------------------------------------------------------- a writer that appends in two write calls


class Log:
    """A file-like list of chunks: each write is atomic, as one C-level write call would be."""

    def __init__(self) -> None:
        self.chunks: list[str] = []

    def write(self, text: str) -> None:
        self.chunks.append(text)

    def lines(self) -> list[str]:
        return "".join(self.chunks).splitlines()


def _run_writer(locked: bool) -> None:
    log = Log()
    lock = threading.Lock()

    def write_line(text: str) -> None:
        if locked:
            with lock:
                log.write(text)
                log.write("\n")
        else:
            log.write(text)
            log.write("\n")

    threads = [threading.Thread(target=write_line, args=(f"line from {n}",)) for n in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(log.lines()) == ["line from a", "line from b"], f"torn lines: {log.lines()}"


def racy_writer() -> None:
    _run_writer(locked=False)


def correct_writer() -> None:
    _run_writer(locked=True)


# ------------------------------------------------------------ producer / consumer over a queue


def _run_pipeline(shared_list: bool) -> None:
    q: queue.Queue = queue.Queue(maxsize=2)
    results: list[int] = []
    pending = [0, 1, 2, 3]

    def producer() -> None:
        for i in range(4):
            q.put(i)
        q.put(None)

    def producer_from_shared() -> None:
        # racy: two producers share one list of work and read-then-pop without a lock
        while pending:
            item = pending[0]
            pending.remove(item)
            q.put(item)

    def consumer() -> None:
        while (item := q.get()) is not None:
            results.append(item)

    if shared_list:
        producers = [threading.Thread(target=producer_from_shared) for _ in range(2)]
        consumer_thread = threading.Thread(target=consumer)
        consumer_thread.start()
        for t in producers:
            t.start()
        for t in producers:
            t.join()
        q.put(None)
        consumer_thread.join()
    else:
        threads = [threading.Thread(target=producer), threading.Thread(target=consumer)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sorted(results) == [0, 1, 2, 3], f"work lost or done twice: {results}"


def racy_pipeline() -> None:
    _run_pipeline(shared_list=True)


def correct_pipeline() -> None:
    _run_pipeline(shared_list=False)


# ------------------------------------------------------------------------- dining philosophers


def _run_philosophers(ordered: bool) -> None:
    forks = [threading.Lock() for _ in range(3)]

    def philosopher(i: int) -> None:
        first, second = i, (i + 1) % 3
        if ordered:
            first, second = min(first, second), max(first, second)
        with forks[first]:
            with forks[second]:
                pass

    threads = [threading.Thread(target=philosopher, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def racy_philosophers() -> None:
    _run_philosophers(ordered=False)


def correct_philosophers() -> None:
    _run_philosophers(ordered=True)


# ------------------------------------------------------------- lost wakeup: if instead of while


def _run_condition(use_while: bool) -> None:
    cond = threading.Condition()
    items: list[int] = []

    def consumer() -> None:
        with cond:
            if use_while:
                while not items:
                    cond.wait()
            elif not items:
                cond.wait()
            items.pop()

    def producer() -> None:
        with cond:
            items.append(1)
            cond.notify()

    threads = [threading.Thread(target=f) for f in (consumer, consumer, producer, producer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def racy_condition() -> None:
    _run_condition(use_while=False)


def correct_condition() -> None:
    _run_condition(use_while=True)


# -------------------------------------------------- ThreadPoolExecutor accumulating into a total


def _run_pool(locked: bool) -> None:
    total = {"sum": 0}
    lock = threading.Lock()

    def add(n: int) -> None:
        if locked:
            with lock:
                total["sum"] += n
        else:
            total["sum"] += n

    with ThreadPoolExecutor(max_workers=3) as pool:
        for future in [pool.submit(add, n) for n in range(1, 7)]:
            future.result()
    assert total["sum"] == 21, f"total is {total['sum']}, expected 21"


def racy_pool() -> None:
    _run_pool(locked=False)


def correct_pool() -> None:
    _run_pool(locked=True)


# ---------------------------------------------------------------------------- the pairs, by name

PAIRS = {
    "counter": (racy_counter, correct_counter),
    "spawned_counter": (racy_spawned_counter, correct_spawned_counter),
    "stock": (racy_stock, correct_stock),
    "candy": (racy_candy, correct_candy),
    "writer": (racy_writer, correct_writer),
    "pipeline": (racy_pipeline, correct_pipeline),
    "philosophers": (racy_philosophers, correct_philosophers),
    "condition": (racy_condition, correct_condition),
    "pool": (racy_pool, correct_pool),
}

EXPECTED_KIND = {
    "counter": "assertion",
    "spawned_counter": "assertion",
    "stock": "assertion",
    "candy": "assertion",
    "writer": "assertion",
    "pipeline": "exception",
    "philosophers": "deadlock",
    "condition": "exception",
    "pool": "assertion",
}


def sleeper() -> None:
    """Uses only the virtual clock: two seconds of sleeping, no wall time."""
    start = time.monotonic()
    time.sleep(2)
    assert time.monotonic() - start == 2.0
