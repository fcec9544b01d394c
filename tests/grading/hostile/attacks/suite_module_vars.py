"""The hidden suites read as modules: no gc, no frames, no __code__, no file opened. A suite imported
for collection sits in sys.modules (and in its package's attributes), where vars() hands over its
docstrings (the instructor's notes) and its constants (fixed test inputs, expected answers). Whatever
it finds goes back as plain text in the exception its import raises. The child takes the suites out
of both before any student code runs, and keeps only the first line of each docstring."""
import sys


def _loot():
    out = []
    modules = dict(sys.modules)
    for name, module in list(modules.items()):
        for key, value in list(vars(module).items()) if module is not None else ():
            if key.endswith("_tests") and type(value) is type(sys):
                modules[f"{name}.{key}"] = value
    for name, module in modules.items():
        if not name.endswith("_tests") or module is None:
            continue
        out.append(str(getattr(module, "__doc__", "") or ""))
        for key, value in sorted(vars(module).items()):
            if key.startswith("__"):
                continue
            doc = getattr(value, "__doc__", None) if callable(value) else None
            if doc and getattr(value, "__module__", "") == name:
                out.append(doc)
            elif isinstance(value, (int, str, float, tuple, list, dict)):
                out.append(f"{key} = {value!r}")
    return "\n".join(line for line in out if line.strip())


_LOOT = _loot()
if _LOOT:
    raise ValueError(_LOOT)
