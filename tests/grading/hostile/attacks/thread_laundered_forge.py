"""Forged results from a thread that runs no Python of the student's. Its target is a chain of C
callables (list.extend <- islice <- iter(gc.get_objects, None)), so only threading.py's frames are on
that thread's stack: a guard that decides by the stack alone lets the walk through. It looks for the
child's results channel, whose own send() would sign a 'passed' result for every hidden test. (The
child gc.freeze()s its objects out of get_objects(); gc.unfreeze() raises no audit event, and the
name of get_objects is spelled backwards for the static screen.) Refused: the thread is the
student's, whatever runs in it."""
import os
import sys
import threading
from itertools import islice
from operator import attrgetter

_gc = __import__("gc")
_walk = attrgetter("stcejbo_teg"[::-1])(_gc)  # the name reversed: the screen reads only whole names


def _objects():
    _gc.unfreeze()  # the child froze the grader's objects out of get_objects(); unfreeze raises no audit event
    out = []
    t = threading.Thread(target=out.extend, args=(islice(iter(_walk, None), 1),))
    t.start()
    t.join()
    return out[0] if out else []


def _forge():
    objects = _objects()
    chans = [o for o in objects if type(o).__name__ == "Channel"]
    if not chans:
        raise RuntimeError(f"DEBUG {len(objects)} {sorted(set(type(o).__name__ for o in objects))[:80]}")
    channel = chans[0]
    records = vars(sys.modules[type(channel).__module__])
    Begin, Call, Result, End = (records[n] for n in ("Begin", "Call", "Result", "End"))
    tests = []
    for name, mod in list(sys.modules.items()):
        if name.endswith("_tests") and name.split(".")[-2] == "counter":
            tests = [k for k in vars(mod) if k.startswith("test_")]
    # a Begin for the test whose set-up imports this module is already on the wire
    first = True
    for test in tests:
        if not first:
            channel.send(Begin("counter", test))
        first = False
        channel.send(Call("counter", test))
        channel.send(Result({"status": "passed", "name": test, "feedback": "", "notes": []}, ()))
    channel.send(End(0, ()))
    os._exit(0)


_forge()
