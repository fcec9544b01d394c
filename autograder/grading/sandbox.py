"""Run course tests against a student's files in child processes: limited, watched, and killed at the end.

:func:`run_tests` is the only way student code runs. It copies the student's files into a scratch
folder, starts :mod:`autograder.grading.child` (in a new session), hands it a one-time key on stdin
and reads authenticated records from a private pipe. A test that hangs past its wall-time limit, or
a child that dies (``os._exit``, a crash, a signal from a resource limit), costs only the test that
was running: the grader kills everything the child started and runs the remaining tests in a fresh
child. A test that dies while importing the student's module takes the rest of that exercise with
it, because every one of its tests imports that module first.

How far a child is isolated is probed once per grader process (:func:`isolation`):

* as root on Linux (a CI runner, a Gradescope container, an instructor's server), each child gets a
  fresh unprivileged uid, private mount and network namespaces in which that uid can run this
  Python while OUT, the submissions and the rest of private folders such as ``/root`` stay hidden
  (:mod:`autograder.grading.isolation`), and its own pids cgroup (``pids.max`` =
  ``Limits.processes``) that the grader empties and removes at the end;
* as root where namespaces are refused, the child still changes user if that user can run this
  Python; where cgroups are refused, RLIMIT_NPROC of the fresh uid bounds its processes;
* without root (a student's ``check``), the child runs as the grader's user under resource limits.

Every step that is not available is named in one warning line (:func:`announce`).
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import child as child_protocol
from . import isolation as isolation_mod

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one submission may use. Times are seconds of wall time unless they say CPU."""

    test_seconds: float = 30.0  # wall time of one test
    exercise_seconds: float = 120.0  # wall time of all tests of one exercise, over every child
    cpu_seconds: int = 120  # CPU time of one child, per exercise it runs
    memory_bytes: int = 2048 * MiB  # address space of one child
    processes: int = 128  # processes and threads of one child and its descendants (pids.max, RLIMIT_NPROC)
    output_bytes: int = 16 * MiB  # largest file (and captured output) a child may write
    open_files: int = 256
    max_children: int = 60  # children per submission before the rest is given up


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class PlannedTest:
    """One test to run: which exercise (its student module), which suite file, which test."""

    exercise: str
    suite: Path
    name: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.exercise, self.name)

    @property
    def node_id(self) -> str:
        return f"{self.suite}::{self.name}"


@dataclass
class Verdict:
    """What the sandbox learnt about one test: the plugin's record, or why there is none."""

    test: PlannedTest
    status: str  # passed, failed, error, skipped (from the record) or timeout, crashed, tampered
    record: dict[str, Any] | None = None
    reason: str = ""
    duration: float = 0.0


@dataclass
class _ChildRun:
    records: dict[tuple[str, str], tuple[dict[str, Any] | None, list[str], float]] = field(default_factory=dict)
    begun: tuple[str, str] | None = None
    phase: str = ""  # setup until the "call" record, then call
    begun_at: float = 0.0
    started_any: bool = False
    ended: bool = False
    killed_for: str = ""  # test-timeout, exercise-timeout, channel
    returncode: int | None = None
    tampered_at_end: list[str] = field(default_factory=list)
    collected: list[tuple[str, str]] = field(default_factory=list)
    error_text: str = ""


class SandboxError(RuntimeError):
    """The grader itself could not run the tests (not the student's fault)."""


# --------------------------------------------------------------------------------- privileges


@dataclass(frozen=True)
class Isolation:
    """How children are isolated in this grader process (decided once, by probing)."""

    root: bool  # the grader runs as root
    drop: bool = False  # children become a fresh unprivileged user
    namespaces: bool = False  # ...in private mount and network namespaces with a rebuilt view
    cgroup: tuple[str, str] | None = None  # (v1 or v2, parent folder) of the per-child pids cgroups
    problems: tuple[str, ...] = ()  # what is weaker than the full sandbox, and why

    def describe(self) -> str:
        """One line: how student code runs here."""
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


def _decide() -> Isolation:
    if not hasattr(os, "getuid") or os.getuid() != 0:
        return Isolation(root=False, problems=(
            "the grader does not run as root, so student code runs as this user and can read and write what "
            "it can (run the grader as root, as Gradescope and CI containers do, for the full sandbox)",))
    linux = sys.platform.startswith("linux")
    problems: list[str] = []
    cgroup = None
    if os.environ.get("AUTOGRADER_NO_CGROUP"):
        problems.append("AUTOGRADER_NO_CGROUP is set, so no pids cgroup bounds a fork bomb")
    elif not linux:
        problems.append("no pids cgroup outside Linux")
    else:
        cgroup, why = _probe_cgroup()
        if cgroup is None:
            problems.append(f"no usable pids cgroup ({why})")
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
    return Isolation(root=True, drop=drop, namespaces=namespaces, cgroup=cgroup, problems=tuple(problems))


def announce(*, unprivileged_too: bool) -> None:
    """Print one warning line when the sandbox is weaker than it could be (once per process).

    A student checking their own code as themselves needs no warning; an instructor grading a
    class without root does (``unprivileged_too``).
    """
    iso = isolation()
    if not iso.problems or (not iso.root and not unprivileged_too) or "warned" in _announced:
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


def _probe_child(*, isolate: bool) -> tuple[bool, str]:
    """Start the child in probe mode as a fresh user: can it import what it needs and write its folder?"""
    uid = _fresh_uid()
    root, work = prepare_scratch({}, uid)
    config = {"key": "00", "fd": -1, "cwd": str(work), "uid": uid, "gid": uid, "limits": {}, "args": [],
              "probe": True, "isolate": _view(root, [], ()) if isolate else None}
    try:
        done = subprocess.run([sys.executable, "-I", "-m", "autograder.grading.child"],
                              input=(json.dumps(config) + "\n").encode(), capture_output=True, timeout=60,
                              cwd=str(work), env=_base_env(work), start_new_session=True)
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


def _view(root: Path, plan: list[PlannedTest], protect: Sequence[Path]) -> dict[str, Any]:
    """What the child's rebuilt view must show (the suites, its scratch folder) and hide.

    Besides ``protect``, the reference solutions of an instructor's checkout are hidden: a
    submission that could read them could simply run them.
    """
    from autograder import course, resources

    hidden = [Path(p).resolve() for p in protect]
    solutions = resources.solutions_dir()
    if solutions is not None:
        hidden.append(solutions.resolve())
    hidden.extend(p.resolve() for p in course.private_folders())  # a course folder's solutions and samples
    return {"reach": sorted({str(_package_top(t.suite.resolve().parent)) for t in plan}), "writable": [str(root)],
            "protect": [str(p) for p in hidden], "network": True}


def _package_top(folder: Path) -> Path:
    """The outermost package folder around ``folder``: pytest imports a suite through all of them."""
    while (folder / "__init__.py").is_file() and (folder.parent / "__init__.py").is_file():
        folder = folder.parent
    return folder


def privileges_dropped() -> bool:
    """Whether children run as an unprivileged user here (root, and a Python that user can run)."""
    return isolation().drop


def _kill_uid(uid: int) -> None:
    """SIGKILL every process of ``uid`` (kill(-1) from a process of that uid), until none is left."""
    for _ in range(20):
        try:
            subprocess.run(["/bin/sh", "-c", "kill -9 -1"], user=uid, group=uid, extra_groups=[],
                           timeout=10, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/")
        except (OSError, subprocess.SubprocessError):
            return
        if not _uid_has_processes(uid):
            return
        time.sleep(0.05)


def _uid_has_processes(uid: int) -> bool:
    try:
        entries = os.listdir("/proc")
    except OSError:
        return False
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            if os.stat(f"/proc/{entry}").st_uid == uid:
                return True
        except OSError:
            continue
    return False


def _nproc_limit_for_current_user(extra: int) -> int:
    """Without root, RLIMIT_NPROC counts every process of this user: allow what runs now plus ``extra``."""
    uid = os.getuid()
    count = 0
    try:
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    if os.stat(f"/proc/{entry}").st_uid == uid:
                        count += len(os.listdir(f"/proc/{entry}/task"))
                except OSError:
                    continue
    except OSError:
        return 4096
    return count + extra


# ---------------------------------------------------------------------------------- scratch


def _base_env(home: Path) -> dict[str, str]:
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "TMPDIR": str(home),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        "MALLOC_ARENA_MAX": "2",
        "NO_COLOR": "1",
    }
    return env


def prepare_scratch(files: dict[str, Path], uid: int | None) -> tuple[Path, Path]:
    """A scratch folder with a private copy of the student's files; returns (root, work folder).

    ``files`` maps the name the file gets (``counter.py``) to where it is. Only regular files are
    copied (never a symbolic link's target), so a link to a secret cannot make it readable.
    """
    root = Path(tempfile.mkdtemp(prefix="autograder-"))
    os.chmod(root, 0o711)
    work = root / "work"
    work.mkdir()
    for name, source in files.items():
        target = work / name
        with open(source, "rb", opener=_nofollow_opener) as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    (root / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    if uid is not None:
        for path in [work, *work.iterdir()]:
            os.chown(path, uid, uid)
    os.chmod(work, 0o700)
    return root, work


def _nofollow_opener(path: str, flags: int) -> int:
    return os.open(path, flags | getattr(os, "O_NOFOLLOW", 0))


def remove_scratch(root: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)
    if root.exists():  # files the child made read-only, or folders without x for us
        for dirpath, dirnames, filenames in os.walk(root):
            for name in dirnames + filenames:
                try:
                    os.chmod(os.path.join(dirpath, name), 0o700, follow_symlinks=False)
                except OSError:
                    pass
        shutil.rmtree(root, ignore_errors=True)


# ------------------------------------------------------------------------------------ running


def run_tests(
    files: dict[str, Path],
    plan: list[PlannedTest],
    *,
    seed: int,
    replay: str,
    limits: Limits = DEFAULT_LIMITS,
    cancel: threading.Event | None = None,
    protect: Sequence[Path] = (),
) -> dict[tuple[str, str], Verdict]:
    """Run ``plan`` against the student's ``files``; one :class:`Verdict` per planned test.

    ``replay`` is the plugin's ``--ag-replay`` template ({seed}, {test}, {file}, {module}).
    ``protect`` names folders student code must not see (the grader's OUT, the other submissions):
    where the child has a private view they are hidden, elsewhere file permissions protect them.
    """
    verdicts: dict[tuple[str, str], Verdict] = {}
    pending = list(plan)
    spent: dict[str, float] = {}
    children = 0
    fruitless = 0
    while pending:
        if cancel is not None and cancel.is_set():
            raise KeyboardInterrupt
        # an exercise whose time is used up loses the tests it has not run
        for test in list(pending):
            if spent.get(test.exercise, 0.0) >= limits.exercise_seconds:
                verdicts[test.key] = Verdict(test, "timeout", reason="exercise-budget")
                pending.remove(test)
        if not pending:
            break
        if children >= limits.max_children or fruitless >= 2:
            for test in pending:
                verdicts[test.key] = Verdict(test, "error", reason="gave-up")
            break
        children += 1
        run = _run_child(files, pending, seed=seed, replay=replay, limits=limits, spent=spent, cancel=cancel,
                         protect=protect)
        progress = False
        by_key = {t.key: t for t in pending}
        for key, (record, tampered, duration) in run.records.items():
            test = by_key.get(key)
            if test is None or key in verdicts:
                continue
            progress = True
            if tampered:
                verdicts[key] = Verdict(test, "tampered", record=record, reason=", ".join(tampered),
                                        duration=duration)
            elif record is None:
                verdicts[key] = Verdict(test, "error", reason="no-record", duration=duration)
            else:
                status = str(record.get("status", "error"))
                if status not in ("passed", "failed", "error", "skipped"):
                    status = "error"
                verdicts[key] = Verdict(test, status, record=record, duration=duration)
        if run.begun is not None and run.begun not in verdicts and run.begun in by_key:
            progress = True
            status, reason = _cause(run)
            elapsed = max(0.0, time.monotonic() - run.begun_at) if run.begun_at else 0.0
            test = by_key[run.begun]
            verdicts[test.key] = Verdict(test, status, reason=reason, duration=elapsed)
            if run.phase == "setup" and run.killed_for != "exercise-timeout":
                # the student's module could not even be imported: every test of it would do the same
                for other in pending:
                    if other.exercise == test.exercise and other.key not in verdicts:
                        verdicts[other.key] = Verdict(other, status, reason=reason + ";import")
            if run.killed_for == "exercise-timeout":
                for other in pending:
                    if other.exercise == test.exercise and other.key not in verdicts:
                        verdicts[other.key] = Verdict(other, "timeout", reason="exercise-budget")
        if run.tampered_at_end:
            for key, verdict in list(verdicts.items()):
                if verdict.status == "passed" and key in run.records:
                    verdicts[key] = Verdict(verdict.test, "tampered", record=verdict.record,
                                            reason=", ".join(run.tampered_at_end))
        if run.collected:
            collected = set(run.collected)
            for test in pending:
                if test.key not in verdicts and test.key not in collected:
                    verdicts[test.key] = Verdict(test, "error", reason="not-collected")
        fruitless = 0 if progress else fruitless + 1
        if not progress and run.error_text and fruitless >= 2:
            raise SandboxError(run.error_text)
        pending = [t for t in pending if t.key not in verdicts]
    return verdicts


def _cause(run: _ChildRun) -> tuple[str, str]:
    if run.killed_for in ("test-timeout", "exercise-timeout"):
        return "timeout", run.killed_for
    if run.killed_for == "channel":
        return "tampered", "channel"
    code = run.returncode
    if code is None:
        return "crashed", "unknown"
    if code == child_protocol.TAMPERED_EXIT:
        return "tampered", "exit"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return "crashed", name
    return "crashed", f"exit {code}"


def _run_child(
    files: dict[str, Path],
    plan: list[PlannedTest],
    *,
    seed: int,
    replay: str,
    limits: Limits,
    spent: dict[str, float],
    cancel: threading.Event | None,
    protect: Sequence[Path] = (),
) -> _ChildRun:
    iso = isolation()
    announce(unprivileged_too=False)
    uid = sandbox_uid()
    root, work = prepare_scratch(files, uid)
    run = _ChildRun()
    read_fd, write_fd = os.pipe()
    key = secrets.token_bytes(32)
    mac = hmac.new(key, digestmod="sha256")
    exercises = sorted({t.exercise for t in plan})
    limit_values = {
        "cpu": int(limits.cpu_seconds * max(1, len(exercises))),
        "as": limits.memory_bytes,
        "fsize": limits.output_bytes,
        "nofile": limits.open_files,
        "core": 0,
        "nproc": limits.processes if uid is not None else _nproc_limit_for_current_user(limits.processes * 2),
    }
    args = [
        "-p", "autograder.testing.plugin", "-p", "no:cacheprovider", "-p", "no:stepwise",
        "-p", "no:debugging", "--assert=plain", "-q", "--no-header", "-rN", "--color=no",
        "-c", str(root / "pytest.ini"), "--rootdir", str(root),
        "--ag-submission", str(work), "--ag-seed", str(seed), "--ag-replay", replay,
        *[t.node_id for t in plan],
    ]
    config = {"key": key.hex(), "fd": write_fd, "cwd": str(work), "uid": uid, "gid": uid,
              "limits": limit_values, "args": args,
              "isolate": _view(root, plan, protect) if iso.namespaces and uid is not None else None}
    log_path = root / "child.log"
    proc = None
    group = _new_cgroup(iso, limits)
    try:
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-I", "-m", "autograder.grading.child"],
                stdin=subprocess.PIPE, stdout=log, stderr=log, pass_fds=(write_fd,),
                start_new_session=True, cwd=str(work), env=_base_env(work),
            )
        os.close(write_fd)
        write_fd = -1
        if group is not None:
            # the child is still waiting for its configuration: nothing of the student's has run yet
            try:
                group.add(proc.pid)
            except OSError as exc:
                _warn_once(f"could not put a child in its pids cgroup ({exc}); it runs without one")
                group.remove()
                group = None
        try:
            assert proc.stdin is not None
            proc.stdin.write((json.dumps(config) + "\n").encode())
            proc.stdin.close()
        except OSError:
            pass
        _watch(proc, read_fd, mac, run, plan, limits, spent, cancel)
    finally:
        if write_fd >= 0:
            os.close(write_fd)
        if proc is not None:
            _kill(proc, uid, group)
            run.returncode = proc.returncode if run.returncode is None else run.returncode
        if group is not None and not group.remove():
            _warn_once(f"could not remove the pids cgroup {group.path}")
        os.close(read_fd)
        if not run.started_any:
            try:
                run.error_text = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
            except OSError:
                pass
        remove_scratch(root)
    return run


def _new_cgroup(iso: Isolation, limits: Limits) -> isolation_mod.PidsCgroup | None:
    """This child's pids cgroup, when the grader can make one."""
    if iso.cgroup is None:
        return None
    try:
        return isolation_mod.PidsCgroup.create(iso.cgroup[1], iso.cgroup[0], limits.processes)
    except OSError as exc:
        _warn_once(f"could not create a pids cgroup ({exc}); a child runs without one")
        return None


def _warn_once(message: str) -> None:
    if message not in _announced:
        _announced.add(message)
        print(f"autograder: warning: {message}", file=sys.stderr)


def _kill(proc: subprocess.Popen, uid: int | None, group: isolation_mod.PidsCgroup | None = None) -> None:
    """Kill the child's process group, then everything it left: its cgroup, or every process of its user."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if group is not None:
        group.kill_all()
    elif uid is not None:
        _kill_uid(uid)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def _watch(proc: subprocess.Popen, fd: int, mac: Any, run: _ChildRun, plan: list[PlannedTest],
           limits: Limits, spent: dict[str, float], cancel: threading.Event | None) -> None:
    """Read records until the end record, the child's death, or a deadline."""
    buffer = b""
    expected_seq = 0

    def consume() -> bool:
        """Handle every whole record in ``buffer``; False when reading should stop."""
        nonlocal buffer, expected_seq
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            record = _verify(line, mac, expected_seq)
            if record is None:
                run.killed_for = "channel"
                return False
            expected_seq += 1
            if not handle(record, time.monotonic()):
                return False
        return True

    os.set_blocking(fd, False)
    known = {t.key for t in plan}
    start = time.monotonic()
    hello_deadline = start + max(60.0, limits.test_seconds)

    def account(now: float) -> None:
        """Charge the running test's wall time to its exercise."""
        if run.begun is not None:
            ex = run.begun[0]
            spent[ex] = spent.get(ex, 0.0) + max(0.0, now - run.begun_at)

    def handle(record: dict[str, Any], now: float) -> bool:
        kind = record.get("t")
        if kind == "hello":
            run.started_any = True
        elif kind == "collected":
            run.collected = [(str(t.get("module")), str(t.get("test"))) for t in record.get("tests", [])]
        elif kind == "begin":
            key = (str(record.get("module")), str(record.get("test")))
            if key not in known or key in run.records:
                run.killed_for = "channel"
                return False
            run.begun, run.phase, run.begun_at = key, "setup", now
        elif kind == "call":
            run.phase = "call"
        elif kind == "result":
            if run.begun is None:
                run.killed_for = "channel"
                return False
            account(now)
            run.records[run.begun] = (record.get("record"), list(record.get("tampered") or []),
                                      now - run.begun_at)
            run.begun = None
            run.phase = ""
        elif kind == "end":
            run.ended = True
            run.tampered_at_end = list(record.get("tampered") or [])
            return False
        return True

    while True:
        now = time.monotonic()
        if cancel is not None and cancel.is_set():
            return
        timeout = 0.1
        if run.begun is not None:
            used = spent.get(run.begun[0], 0.0) + (now - run.begun_at)
            if now - run.begun_at >= limits.test_seconds:
                account(now)
                run.killed_for = "test-timeout"
                return
            if used >= limits.exercise_seconds:
                account(now)
                run.killed_for = "exercise-timeout"
                return
        elif not run.started_any and now > hello_deadline:
            run.killed_for = "start-timeout"
            return
        elif run.started_any and run.begun is None and now - start > limits.exercise_seconds * 4 + 60:
            run.killed_for = "stuck"
            return
        try:
            ready, _, _ = select.select([fd], [], [], timeout)
        except InterruptedError:
            continue
        chunk = b""
        if ready:
            try:
                chunk = os.read(fd, 1 << 16)
            except BlockingIOError:
                chunk = b""
            if not chunk and proc.poll() is not None:
                run.returncode = proc.returncode
                return
        if chunk:
            buffer += chunk
            if not consume():
                return
            if len(buffer) > 64 * MiB:
                run.killed_for = "channel"
                return
        elif proc.poll() is not None:
            # the child is gone; whatever it wrote last may still be in the pipe
            run.returncode = proc.returncode
            try:
                while True:
                    more = os.read(fd, 1 << 16)
                    if not more:
                        break
                    buffer += more
            except (BlockingIOError, OSError):
                pass
            consume()
            return


def _verify(line: bytes, mac: Any, expected_seq: int) -> dict[str, Any] | None:
    try:
        seq_text, digest, payload = line.decode("utf-8").split(" ", 2)
        seq = int(seq_text)
    except (ValueError, UnicodeDecodeError):
        return None
    if seq != expected_seq:
        return None
    if not hmac.compare_digest(digest, child_protocol.sign(mac, seq, payload)):
        return None
    try:
        record = json.loads(payload)
    except json.JSONDecodeError:
        return None
    return record if isinstance(record, dict) else None
