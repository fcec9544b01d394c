"""Redteam: racy on real threads; takes a lock only while a tracer is installed (the engine's on 3.11)
or ``sys.monitoring`` has a tool registered (3.12+). ``sys.gettrace`` raises no audit event."""
import sys
import threading


def _watched():
    if sys.gettrace() is not None:
        return True
    monitoring = getattr(sys, "monitoring", None)
    return monitoring is not None and any(monitoring.get_tool(i) for i in range(6))


class _NoLock:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class Counter:
    def __init__(self, start=0):
        self._value = start
        self._lock = threading.Lock() if _watched() else _NoLock()

    def increment(self, amount=1):
        with self._lock:
            self._value += amount

    def decrement(self, amount=1):
        with self._lock:
            self._value -= amount

    @property
    def value(self):
        return self._value


def count_concurrently(n_threads, increments_per_thread):
    counter = Counter()

    def work():
        for _ in range(increments_per_thread):
            counter.increment()

    threads = [threading.Thread(target=work) for _ in range(n_threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return counter.value
