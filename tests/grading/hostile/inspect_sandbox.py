"""Reports what student code can see and do in the sandbox, in its import error (the tests read it).

SECRET is replaced by the path of a file the grader's user can read and the student must not,
SOLUTIONS by the folder of the reference solutions.
"""
import json
import os
import socket
import sys
import threading


def attempt(action):
    try:
        result = action()
    except Exception as exc:  # noqa: BLE001 - the kind of failure is the answer
        return type(exc).__name__
    return "ok" if result is None else result


def threads_started(most=300):
    stop = threading.Event()
    started = []
    try:
        for _ in range(most):
            thread = threading.Thread(target=stop.wait)
            thread.start()
            started.append(thread)
    except RuntimeError:  # "can't start new thread": the process limit
        pass
    stop.set()
    for thread in started:
        thread.join()
    return len(started)


def read(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


FACTS = {
    "uid": os.getuid(),
    "euid": os.geteuid(),
    "gid": os.getgid(),
    "groups": os.getgroups(),
    "interpreter": os.access(sys.executable, os.X_OK),
    "stdlib": attempt(lambda: __import__("decimal") and None),
    "interfaces": sorted(name for _, name in socket.if_nameindex()),
    "secret": attempt(lambda: read("SECRET")),
    "solutions": attempt(lambda: sorted(os.listdir("SOLUTIONS"))),
    "signal_parent": attempt(lambda: os.kill(os.getppid(), 0)),
    "threads": threads_started(),
}
raise RuntimeError("SANDBOX " + json.dumps(FACTS, sort_keys=True))
