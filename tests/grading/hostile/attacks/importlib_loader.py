"""The racy counter, fed as a string to an importlib loader of the student's own: compile and exec run
inside importlib, so no student frame makes them, and the code was "<string>" the engine left alone."""
_abc = __import__("importlib.abc").abc
import types

_SRC = 'import threading\n\n\nclass Counter:\n    def __init__(self, start=0):\n        self._value = start\n\n    def increment(self, amount=1):\n        self._value += amount\n\n    def decrement(self, amount=1):\n        self._value -= amount\n\n    @property\n    def value(self):\n        return self._value\n\n\ndef count_concurrently(n_threads, increments_per_thread):\n    counter = Counter()\n\n    def work():\n        for _ in range(increments_per_thread):\n            counter.increment()\n\n    threads = [threading.Thread(target=work) for _ in range(n_threads)]\n    for thread in threads:\n        thread.start()\n    for thread in threads:\n        thread.join()\n    return counter.value\n'


class _Loader(_abc.InspectLoader):
    def get_source(self, name):
        return _SRC


_mod = types.ModuleType("counter_impl")
_Loader().exec_module(_mod)
Counter = _mod.Counter
count_concurrently = _mod.count_concurrently
