"""Writes a module the suite imports lazily into a folder outside its own (the private /tmp or
HOME), puts that folder first on sys.path and drops the real module, so the next import takes it."""
import os
import sys
import tempfile

folder = tempfile.mkdtemp()
try:
    with open(os.path.join(folder, "statistics.py"), "w") as handle:
        handle.write("def mean(values):\n    return 1\n")
    sys.path.insert(0, folder)
    sys.modules.pop("statistics", None)
    import statistics  # noqa: F401,E402 - now the one written above
except Exception:  # noqa: BLE001
    pass
