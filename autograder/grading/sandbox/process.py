"""One child's life: scratch copy, start, configuration, watching its records and deadlines, killing all it left."""

from __future__ import annotations

import json
import os
import queue
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
from .. import zygote as zygote_server
from ..protocol import Begin, Call, Collected, End, Hello, Result
from . import zygote
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



class _PipeSource:
    """The channel as a pipe the grader made (POSIX): read with ``select`` on its non-blocking end."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        os.set_blocking(fd, False)

    def read(self, timeout: float) -> bytes | None:
        """What arrived within ``timeout`` (``b""`` if nothing), or None at the end of the channel."""
        try:
            ready, _, _ = select.select([self.fd], [], [], timeout)
        except InterruptedError:
            return b""
        if not ready:
            return b""
        try:
            return os.read(self.fd, 1 << 16) or None
        except BlockingIOError:
            return b""

    def rest(self) -> bytes:
        """Whatever is still in the pipe once the child is gone."""
        rest = b""
        try:
            while more := os.read(self.fd, 1 << 16):
                rest += more
        except (BlockingIOError, OSError):
            pass
        return rest

    def close(self) -> None:
        os.close(self.fd)


class _ThreadSource:
    """The channel as a stream read by a thread (any platform: Windows cannot ``select`` a pipe)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._chunks: queue.Queue[bytes | None] = queue.Queue()
        self._ended = False
        self._thread = threading.Thread(target=self._pump, name="autograder-channel", daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        try:
            while chunk := self._stream.read1(1 << 16):
                self._chunks.put(chunk)
        except (OSError, ValueError):
            pass
        self._chunks.put(None)

    def read(self, timeout: float) -> bytes | None:
        if self._ended:
            time.sleep(min(timeout, 0.05))
            return None
        try:
            chunk = self._chunks.get(timeout=timeout)
        except queue.Empty:
            return b""
        if chunk is None:
            self._ended = True
        return chunk

    def rest(self) -> bytes:
        rest = b""
        deadline = time.monotonic() + 1.0  # a process the child started may still hold the pipe open
        while not self._ended and time.monotonic() < deadline:
            chunk = self.read(0.05)
            rest += chunk or b""
        return rest

    def close(self) -> None:
        try:
            self._stream.close()
        except OSError:
            pass


def _limit_values(limits: Limits, exercises: int, uid: int | None) -> dict[str, int]:
    values = {
        "cpu": int(limits.cpu_seconds * max(1, exercises)),
        "as": limits.memory_bytes,
        "fsize": limits.output_bytes,
        "nofile": limits.open_files,
        "core": 0,
    }
    if uid is not None:
        values["nproc"] = limits.processes
    elif hasattr(os, "getuid"):
        values["nproc"] = _nproc_limit_for_current_user(limits.processes * 2)
    return values


def _portable_env(home: Path) -> dict[str, str]:
    """The child's environment on the portable runner: what Windows needs to start Python, too."""
    env = base_env(home)
    if os.name == "nt":
        for name in ("SYSTEMROOT", "SYSTEMDRIVE", "WINDIR", "COMSPEC", "PATHEXT", "PATH", "NUMBER_OF_PROCESSORS",
                     "PROCESSOR_ARCHITECTURE"):
            if name in os.environ:
                env[name] = os.environ[name]
        env["TEMP"] = env["TMP"] = env["USERPROFILE"] = str(home)
    return env


def _session() -> dict[str, Any]:
    """Start the child in a session (POSIX) or process group (Windows) of its own, to kill all of it at once."""
    if os.name == "nt":
        return {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}
    return {"start_new_session": True}


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
    cpu: int | None = None,
) -> ChildRun:
    iso = isolation()
    announce(unprivileged_too=False)
    uid = sandbox_uid()
    root, work = prepare_scratch(files, uid)
    run = ChildRun()
    key = secrets.token_bytes(32)
    receiver = protocol.Receiver(key)
    args = [
        "-p", "autograder.testing.plugin", "-p", "no:cacheprovider", "-p", "no:stepwise",
        "-p", "no:debugging",
        # its clean-up runs two full garbage collections as pytest ends, to turn exceptions raised in
        # __del__ into warnings the verdict never reads
        "-p", "no:unraisableexception", "--noconftest", "--assert=plain", "-q", "--no-header", "-rN", "--color=no",
        # the plugin replaces a failure's traceback with the student's feedback: pytest's own long form
        # (which parses the suite's source for every entry) would be built only to be thrown away
        "--tb=native",
        "-c", str(root / "pytest.ini"), "--rootdir", str(root),
        "--ag-submission", str(work), "--ag-seed", str(seed), "--ag-replay", replay,
        *[t.node_id for t in plan],
    ]
    config = {"key": key.hex(), "cwd": str(work), "uid": uid, "gid": uid,
              "limits": _limit_values(limits, len({t.exercise for t in plan}), uid), "args": args,
              "isolate": view(root, plan, protect) if iso.namespaces and uid is not None else None,
              "cpu": cpu}
    log_path = root / "child.log"
    proc: subprocess.Popen | zygote.ZygoteChild | None = None
    source: _PipeSource | _ThreadSource | None = None
    write_fd = -1
    group = _new_cgroup(iso, limits)
    command = [sys.executable, "-I", "-m", "autograder.grading.child"]
    try:
        with open(log_path, "wb") as log:
            if iso.portable:
                # the channel is the child's standard output, which it moves away from fd 1 before
                # anything else runs (Windows has no pass_fds); its prints go to the log with stderr
                config["channel"] = "stdout"
                proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                                        cwd=str(work), env=_portable_env(work), **_session())
                source = _ThreadSource(proc.stdout)
            else:
                read_fd, write_fd = os.pipe()
                source = _PipeSource(read_fd)
                # forked from the pre-imported zygote where it can be; a fresh interpreter otherwise
                proc = zygote.spawn(work, base_env(work), log.fileno(), write_fd)
                if proc is not None:
                    config["fd"] = zygote_server.CHANNEL_FD
                else:
                    config["fd"] = write_fd
                    proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=log, stderr=log,
                                            pass_fds=(write_fd,), start_new_session=True, cwd=str(work),
                                            env=base_env(work))
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
        _watch(proc, source, receiver, run, plan, limits, spent, cancel)
    finally:
        if write_fd >= 0:
            os.close(write_fd)
        if proc is not None:
            _kill(proc, uid, group)
            run.returncode = proc.returncode if run.returncode is None else run.returncode
        if group is not None and not group.remove():
            warn_once(f"could not remove the pids cgroup {group.path}")
        if source is not None:
            source.close()
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
        # the child and every process it forks share one memory budget: RLIMIT_AS counts each alone
        memory = (iso.memory, limits.memory_bytes) if iso.memory is not None else None
        return isolation_mod.PidsCgroup.create(iso.cgroup[1], iso.cgroup[0], limits.processes, memory=memory)
    except OSError as exc:
        warn_once(f"could not create a pids cgroup ({exc}); a child runs without one")
        return None


def _kill(proc: subprocess.Popen | zygote.ZygoteChild, uid: int | None,
          group: isolation_mod.PidsCgroup | None = None) -> None:
    """Kill the child's process group, then everything it left: its cgroup, or every process of its user."""
    if hasattr(os, "killpg"):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    elif proc.poll() is None:  # Windows: the child and every process it started
        try:
            subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, timeout=30)
        except (OSError, subprocess.SubprocessError):
            pass
    try:
        proc.kill()
    except OSError:
        pass
    if group is not None:
        group.kill_all()
    elif uid is not None:
        _kill_uid(uid)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def _watch(proc: subprocess.Popen | zygote.ZygoteChild, source: _PipeSource | _ThreadSource,
           receiver: protocol.Receiver, run: ChildRun,
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
        chunk = source.read(0.1)
        if chunk is None:  # nothing more will come: the child closed the channel, or is gone
            if proc.poll() is not None:
                run.returncode = proc.returncode
                return
            time.sleep(0.02)
            continue
        if chunk:
            if not consume(chunk):
                return
        elif proc.poll() is not None:
            # the child is gone; whatever it wrote last may still be in the pipe
            run.returncode = proc.returncode
            consume(source.rest())
            return
