"""How far children can be isolated here: probed once per grader process, announced in one line."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import threading
from dataclasses import dataclass

from .. import isolation as isolation_mod
from .scratch import base_env, prepare_scratch, remove_scratch, view


@dataclass(frozen=True)
class Isolation:
    """How children are isolated in this grader process (decided once, by probing)."""

    root: bool  # the grader runs as root
    drop: bool = False  # children become a fresh unprivileged user
    namespaces: bool = False  # ...in private mount and network namespaces with a rebuilt view
    cgroup: tuple[str, str] | None = None  # (v1 or v2, parent folder) of the per-child pids cgroups
    memory: str | None = None  # parent folder of the per-child memory cgroups (v2: the pids parent)
    problems: tuple[str, ...] = ()  # what is weaker than the full sandbox, and why
    portable: bool = False  # the portable runner (Windows, macOS, AUTOGRADER_PORTABLE): no POSIX process control

    def describe(self) -> str:
        """One line: how student code runs here."""
        if self.portable:
            return "student code runs as the grader's own user in a plain child process (the portable runner)"
        if not self.root:
            return "student code runs as the grader's own user, limited by resource limits only"
        who = "a fresh unprivileged user" if self.drop else "root"
        parts = [f"student code runs as {who}"]
        if self.namespaces:
            parts.append("in private mount and network namespaces")
        if self.cgroup:
            parts.append(f"in a pids cgroup ({self.cgroup[0]})")
        return ", ".join(parts)


_probe_lock = threading.Lock()
_isolation: list[Isolation] = []
_announced: set[str] = set()


def isolation() -> Isolation:
    """How children run here: probed on first use (it starts one or two short children as root)."""
    with _probe_lock:
        if not _isolation:
            _isolation.append(_decide())
        return _isolation[0]


def portable_requested() -> bool:
    """Whether children run through the portable runner: off Linux always, on Linux when
    ``AUTOGRADER_PORTABLE`` is set (to anything but 0), which is how its tests run it."""
    return not sys.platform.startswith("linux") or os.environ.get("AUTOGRADER_PORTABLE", "0") not in ("", "0")


def portable_gaps() -> tuple[str, ...]:
    """What the portable runner cannot do on this system (it always keeps a child process, the wall-time
    limits, killing a test that hangs with everything it started, and the authenticated results channel)."""
    gaps = ["no change of user and no private view of the files (your code can read and write what you can)"]
    try:
        import resource  # noqa: F401
    except ImportError:
        gaps.append("no limit on CPU time, memory, processes, output size or open files (only the time limits)")
    else:
        if sys.platform == "darwin":
            gaps.append("no memory limit (macOS does not enforce one)")
    return tuple(gaps)


def _decide() -> Isolation:
    if portable_requested():
        return Isolation(root=False, portable=True, problems=portable_gaps())
    if not hasattr(os, "getuid") or os.getuid() != 0:
        return Isolation(root=False, problems=(
            "the grader does not run as root, so student code runs as this user and can read and write what "
            "it can (run the grader as root, as Gradescope and CI containers do, for the full sandbox)",))
    linux = sys.platform.startswith("linux")
    problems: list[str] = []
    cgroup = None
    memory = None
    if os.environ.get("AUTOGRADER_NO_CGROUP"):
        problems.append("AUTOGRADER_NO_CGROUP is set, so no pids cgroup bounds a fork bomb")
    elif not linux:
        problems.append("no pids cgroup outside Linux")
    else:
        cgroup, why = _probe_cgroup()
        if cgroup is None:
            problems.append(f"no usable pids cgroup ({why})")
        else:
            memory, why = _probe_memory(cgroup)
            if memory is None:
                problems.append(f"no usable memory cgroup ({why}), so each process a child forks may use "
                                "the whole memory limit")
    drop = namespaces = False
    if os.environ.get("AUTOGRADER_NO_SETUID"):
        problems.append("AUTOGRADER_NO_SETUID is set, so student code runs as root")
    else:
        if linux and not os.environ.get("AUTOGRADER_NO_NAMESPACES"):
            ok, why = _probe_child(isolate=True)
            drop = namespaces = ok
            if not ok:
                problems.append(f"private namespaces failed ({why})")
        elif linux:
            problems.append("AUTOGRADER_NO_NAMESPACES is set")
        if not drop:
            ok, why = _probe_child(isolate=False)
            drop = ok
            if not ok:
                problems.append(f"running as an unprivileged user failed ({why}), so student code runs as root "
                                "and can write the grader's files")
            elif linux:
                problems.append("student code can read world-readable files and use the network")
    if drop and cgroup is None:
        problems.append("processes are bounded by RLIMIT_NPROC of the sandbox user instead")
    elif not drop and cgroup is None:
        problems.append("nothing but the time limits stops a fork bomb")
    return Isolation(root=True, drop=drop, namespaces=namespaces, cgroup=cgroup, memory=memory,
                     problems=tuple(problems))


def announce(*, unprivileged_too: bool) -> None:
    """Print one line when the sandbox is weaker than it could be (once per process).

    A student checking their own code as themselves on Linux needs no warning; an instructor
    grading a class without root does (``unprivileged_too``). The portable runner always says, in
    one ``note`` line, which protections it lacks on this system.
    """
    iso = isolation()
    if not iso.problems or "warned" in _announced:
        return
    if iso.portable:
        _announced.add("warned")
        print(f"autograder: note: the portable runner checks your code in a child process with time limits, "
              f"but here it has {'; '.join(iso.problems)}", file=sys.stderr)
        return
    if not iso.root and not unprivileged_too:
        return
    _announced.add("warned")
    print(f"autograder: warning: weaker sandbox: {'; '.join(iso.problems)}", file=sys.stderr)


def _probe_cgroup() -> tuple[tuple[str, str] | None, str]:
    try:
        found = isolation_mod.find_pids_parent()
        if found is None:
            return None, "no pids controller this process may use"
        isolation_mod.reap_stale(found[1], found[0])
        group = isolation_mod.PidsCgroup.create(found[1], found[0], 8)
        group.remove()
        return found, ""
    except OSError as exc:
        return None, str(exc)


def _probe_memory(cgroup: tuple[str, str]) -> tuple[str | None, str]:
    try:
        parent = isolation_mod.find_memory_parent(cgroup)
        if parent is None:
            return None, "no memory controller this process may use"
        if cgroup[0] == "v1":
            isolation_mod.reap_stale(parent, "v1")
        group = isolation_mod.PidsCgroup.create(cgroup[1], cgroup[0], 8, memory=(parent, 64 * 1024 * 1024))
        group.remove()
        return parent, ""
    except OSError as exc:
        return None, str(exc)


def _probe_child(*, isolate: bool) -> tuple[bool, str]:
    """Start the child in probe mode as a fresh user: can it import what it needs and write its folder?"""
    uid = _fresh_uid()
    root, work = prepare_scratch({}, uid)
    config = {"key": "00", "fd": -1, "cwd": str(work), "uid": uid, "gid": uid, "limits": {}, "args": [],
              "probe": True, "isolate": view(root, [], ()) if isolate else None}
    try:
        done = subprocess.run([sys.executable, "-I", "-m", "autograder.grading.child"],
                              input=(json.dumps(config) + "\n").encode(), capture_output=True, timeout=60,
                              cwd=str(work), env=base_env(work), start_new_session=True)
    except (OSError, subprocess.SubprocessError) as exc:
        return False, str(exc)
    finally:
        remove_scratch(root)
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        return False, lines[-1][-200:] if lines else f"exit status {done.returncode}"
    try:
        facts = json.loads(done.stdout.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        return False, "the probe printed nothing"
    if facts.get("uid") != uid or facts.get("euid") != uid or facts.get("groups"):
        return False, f"the probe ran as uid {facts.get('uid')}, not {uid}"
    return True, ""


def _fresh_uid() -> int:
    # one uid per child: RLIMIT_NPROC then counts only that child's processes, "kill every process of
    # this uid" cleans up exactly that child, and no child can signal or read another
    return 200_000 + secrets.randbelow(800_000)


def sandbox_uid() -> int | None:
    """A fresh unprivileged uid for one child when the grader is root and children can use one; else None."""
    return _fresh_uid() if isolation().drop else None



def privileges_dropped() -> bool:
    """Whether children run as an unprivileged user here (root, and a Python that user can run)."""
    return isolation().drop



def warn_once(message: str) -> None:
    if message not in _announced:
        _announced.add(message)
        print(f"autograder: warning: {message}", file=sys.stderr)

