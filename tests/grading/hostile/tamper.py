"""Tries to change scores from inside the sandbox: OUT's files, the gradebook resume trusts, the grader.

OUT_DIR and STUDENT are replaced by the test; the grader's command line gives OUT away as well.
Every attempt's outcome goes into the import error, so the test can see that it was made and failed.
"""
import json
import os
import signal
import sqlite3


def ancestors(most=4):
    """The parent, its parent... (the grader may start this process itself or through a zygote)."""
    pid = os.getppid()
    for _ in range(most):
        if pid <= 1:
            return
        yield pid
        try:
            with open(f"/proc/{pid}/status", encoding="utf-8") as handle:
                pid = int(next(line for line in handle if line.startswith("PPid:")).split()[1])
        except (OSError, StopIteration, ValueError):
            return


def out_folders():
    found = ["OUT_DIR"]
    for pid in ancestors():
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                args = handle.read().split(b"\0")
            if b"--out" in args:
                found.append(os.fsdecode(args[args.index(b"--out") + 1]))
                break
        except (OSError, IndexError):
            pass
    return found


def attempt(action):
    try:
        action()
    except Exception as exc:  # noqa: BLE001 - the kind of failure is the answer
        return type(exc).__name__
    return "ok"


def write(path, text):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


STEAL_BEST = """
UPDATE submissions SET
  points = (SELECT max(points) FROM submissions),
  result = replace((SELECT result FROM submissions ORDER BY points DESC LIMIT 1),
                   '"student": "' || (SELECT student FROM submissions ORDER BY points DESC LIMIT 1) || '"',
                   '"student": "' || student || '"')
"""


def steal(out):
    db = sqlite3.connect(f"file:{out}/gradebook.sqlite?mode=rw", uri=True, timeout=1)
    with db:
        db.execute(STEAL_BEST)
    db.close()


ATTEMPTS = {}
for n, out in enumerate(out_folders()):
    ATTEMPTS[f"{n}:grades.csv"] = attempt(lambda out=out: write(f"{out}/grades.csv", "student,total\nSTUDENT,100\n"))
    ATTEMPTS[f"{n}:results.json"] = attempt(lambda out=out: write(f"{out}/STUDENT/results.json", '{"score": 100}'))
    ATTEMPTS[f"{n}:new file"] = attempt(lambda out=out: write(f"{out}/pwned.txt", "pwned\n"))
    ATTEMPTS[f"{n}:gradebook"] = attempt(lambda out=out: steal(out))
ATTEMPTS["kill grader"] = attempt(lambda: os.kill(os.getppid(), signal.SIGKILL))
ATTEMPTS["kill grader group"] = attempt(lambda: os.killpg(os.getpgid(os.getppid()), signal.SIGKILL))
raise RuntimeError("ATTEMPTS " + json.dumps(ATTEMPTS, sort_keys=True))
