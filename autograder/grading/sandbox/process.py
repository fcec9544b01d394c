"""One child's life: scratch copy, start, configuration, watching its records and deadlines, killing all it left."""

from __future__ import annotations

import json
import os
import secrets
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import isolation as isolation_mod
from .. import protocol
from ..protocol import Begin, Call, Collected, End, Hello, Result
from .plan import Limits, PlannedTest
from .probing import Isolation, announce, isolation, sandbox_uid, warn_once
from .scratch import base_env, prepare_scratch, remove_scratch, view


@dataclass
class ChildRun:
    records: dict[tuple[str, str], tuple[dict[str, Any] | None, list[str], float]] = field(default_factory=dict)
    begun: tuple[str, str] | None = None
    phase: str = ""  # setup until the "call" record, then call
    begun_at: float = 0.0
    started_any: bool = False
    ended: bool = False
    killed_for: str = ""  # test-timeout, exercise-timeout, channel, start-timeout, stuck
    returncode: int | None = None
    tampered_at_end: list[str] = field(default_factory=list)
    collected: list[tuple[str, str]] = field(default_factory=list)
    error_text: str = ""



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



def run_child(
    files: dict[str, Path],
    plan: list[PlannedTest],
    *,
    seed: int,
    replay: str,
    limits: Limits,
    spent: dict[str, float],
    cancel: threading.Event | None,
    protect: Sequence[Path] = (),
) -> ChildRun:
    iso = isolation()
    announce(unprivileged_too=False)
    uid = sandbox_uid()
    root, work = prepare_scratch(files, uid)
    run = ChildRun()
    read_fd, write_fd = os.pipe()
    key = secrets.token_bytes(32)
    receiver = protocol.Receiver(key)
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
              "isolate": view(root, plan, protect) if iso.namespaces and uid is not None else None}
    log_path = root / "child.log"
    proc = None
    group = _new_cgroup(iso, limits)
    try:
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-I", "-m", "autograder.grading.child"],
                stdin=subprocess.PIPE, stdout=log, stderr=log, pass_fds=(write_fd,),
                start_new_session=True, cwd=str(work), env=base_env(work),
            )
        os.close(write_fd)
        write_fd = -1
        if group is not None:
            # the child is still waiting for its configuration: nothing of the student's has run yet
            try:
                group.add(proc.pid)
            except OSError as exc:
                warn_once(f"could not put a child in its pids cgroup ({exc}); it runs without one")
                group.remove()
                group = None
        try:
            assert proc.stdin is not None
            proc.stdin.write((json.dumps(config) + "\n").encode())
            proc.stdin.close()
        except OSError:
            pass
        _watch(proc, read_fd, receiver, run, plan, limits, spent, cancel)
    finally:
        if write_fd >= 0:
            os.close(write_fd)
        if proc is not None:
            _kill(proc, uid, group)
            run.returncode = proc.returncode if run.returncode is None else run.returncode
        if group is not None and not group.remove():
            warn_once(f"could not remove the pids cgroup {group.path}")
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
        warn_once(f"could not create a pids cgroup ({exc}); a child runs without one")
        return None


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


def _watch(proc: subprocess.Popen, fd: int, receiver: protocol.Receiver, run: ChildRun,
           plan: list[PlannedTest], limits: Limits, spent: dict[str, float], cancel: threading.Event | None) -> None:
    """Read records until the end record, the child's death, or a deadline."""

    def consume(chunk: bytes) -> bool:
        """Handle every whole record ``chunk`` completes; False when reading should stop."""
        try:
            for record in receiver.feed(chunk):
                if not handle(record, time.monotonic()):
                    return False
        except protocol.ProtocolError:
            run.killed_for = "channel"
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

    def handle(record: protocol.Record | None, now: float) -> bool:
        if isinstance(record, Hello):
            run.started_any = True
        elif isinstance(record, Collected):
            run.collected = [t.key for t in record.tests]
        elif isinstance(record, Begin):
            if record.key not in known or record.key in run.records:
                run.killed_for = "channel"
                return False
            run.begun, run.phase, run.begun_at = record.key, "setup", now
        elif isinstance(record, Call):
            run.phase = "call"
        elif isinstance(record, Result):
            if run.begun is None:
                run.killed_for = "channel"
                return False
            account(now)
            run.records[run.begun] = (record.record, list(record.tampered), now - run.begun_at)
            run.begun = None
            run.phase = ""
        elif isinstance(record, End):
            run.ended = True
            run.tampered_at_end = list(record.tampered)
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
            if not consume(chunk):
                return
        elif proc.poll() is not None:
            # the child is gone; whatever it wrote last may still be in the pipe
            run.returncode = proc.returncode
            rest = b""
            try:
                while True:
                    more = os.read(fd, 1 << 16)
                    if not more:
                        break
                    rest += more
            except (BlockingIOError, OSError):
                pass
            consume(rest)
            return
