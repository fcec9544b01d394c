"""The hidden suites' and the harness's code objects read from a thread that runs no Python of the student's: a target
of C callables (list.extend <- map(getattr, functions, repeat("__code__"))) leaves only threading.py's
frames on the stack. Whatever it gets (every message and constant of the suites' tests) goes back as
plain text in the exception its import raises. Refused: the thread is the student's."""
import sys
import threading
from itertools import repeat


def _in_clean_thread(fn, items):
    """[fn(item) for item in items], evaluated on a fresh thread where no frame is ours."""
    out = []
    t = threading.Thread(target=out.extend, args=(map(fn, items, repeat("__code__")),))
    t.start()
    t.join()
    return out


def _walk(code, seen, lines):
    if id(code) in seen:
        return
    seen.add(id(code))
    lines.append(f"== {code.co_name} (line {code.co_firstlineno}) names={code.co_names}")
    for c in code.co_consts:
        if type(c).__name__ == "code":
            _walk(c, seen, lines)
        elif c is not None:
            lines.append("   " + repr(c))


def _loot():
    funcs = []
    for name, mod in list(sys.modules.items()):
        # the suites (taken out of sys.modules before student code runs) and the test harness (still there)
        if name.endswith(("_tests", ".harness")):
            funcs += [v for k, v in vars(mod).items() if callable(v) and getattr(v, "__module__", "") == name
                      and type(v).__name__ == "function"]
    codes = _in_clean_thread(getattr, funcs)
    lines, seen = [], set()
    for code in codes:
        _walk(code, seen, lines)
    return "\n".join(lines)


_LOOT = _loot()  # at import: no engine running yet
if _LOOT:
    raise ValueError(_LOOT)
