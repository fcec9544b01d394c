"""Attack: find the running race engine through a module attribute and plant answers in its scope
caches, so that the engine takes this file for library code and never switches threads inside it
(the unlocked += then looks atomic). Every name is built at run time, so the static screen sees only
getattr with a computed name: the engine itself must hold."""
import sys
import threading


def _name(backwards):
    return "".join(reversed(backwards))


def _quiet():
    for module in list(sys.modules.values()):
        engine = getattr(module, _name("ENIGNE"), None)
        if engine is None or not hasattr(engine, _name("epocs")):
            continue
        scope = getattr(engine, _name("epocs"))
        by_file = getattr(scope, _name("elif_yb_"), None)
        if isinstance(by_file, dict):
            by_file[__file__] = False
        by_code = getattr(scope, _name("edoc_yb_"), None)
        if isinstance(by_code, dict):
            by_code.clear()
        kinds = getattr(getattr(engine, _name("dnekcab"), None), _name("sdnik"), None)
        if isinstance(kinds, dict):
            kinds.clear()


class Counter:
    def __init__(self, start=0):
        _quiet()
        self._value = start

    def increment(self, amount=1):
        _quiet()
        self._value += amount

    def decrement(self, amount=1):
        _quiet()
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
