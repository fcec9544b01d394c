"""The grader's side of the zygote (:mod:`autograder.grading.zygote`): one per grader process, shared by its jobs.

:func:`spawn` asks the zygote to fork a child and returns a :class:`ZygoteChild`, which offers the
parts of :class:`subprocess.Popen` the sandbox uses (``pid``, ``stdin``, ``poll``, ``wait``,
``kill``, ``returncode``). Where the zygote cannot be used (not POSIX, ``AUTOGRADER_NO_ZYGOTE``
set, it failed to start) :func:`spawn` returns None and the caller starts a fresh interpreter.
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, BinaryIO

from .probing import warn_once
from .scratch import base_env

START_SECONDS = 120.0  # the zygote's imports, on a loaded machine


class ZygoteError(OSError):
    """The zygote could not be started or did not answer."""


class _Zygote:
    def __init__(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._sock = ours
        home = Path(os.path.abspath(os.sep))
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-I", "-m", "autograder.grading.zygote", str(theirs.fileno())],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, cwd=str(home), env=base_env(home), start_new_session=True)
        finally:
            theirs.close()
        self._send_lock = threading.Lock()
        self._cond = threading.Condition()
        self._exits: dict[int, int] = {}
        self._reaped: set[int] = set()
        self._spawned: dict[int, queue.Queue[dict[str, Any]]] = {}
        self._next_id = 0
        self.alive = True
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._read, name="autograder-zygote", daemon=True)
        self._thread.start()
        if not self._ready.wait(START_SECONDS) or not self.alive:
            self.close()
            raise ZygoteError("the zygote did not start")

    def _read(self) -> None:
        while True:
            try:
                data = self._sock.recv(1 << 16)
            except OSError:
                data = b""
            if not data:
                break
            try:
                message = json.loads(data)
            except ValueError:
                continue
            if "ready" in message:
                self._ready.set()
            elif "spawned" in message:
                waiting = self._spawned.get(message["spawned"])
                if waiting is not None:
                    waiting.put(message)
            else:
                with self._cond:
                    if "exited" in message:
                        self._exits[int(message["exited"])] = int(message["status"])
                    elif "reaped" in message:
                        self._reaped.add(int(message["reaped"]))
                    self._cond.notify_all()
        with self._cond:
            self.alive = False
            self._cond.notify_all()
        for waiting in list(self._spawned.values()):
            waiting.put({"error": "the zygote is gone"})
        self._ready.set()

    def _send(self, message: dict[str, Any], fds: list[int] | None = None) -> None:
        with self._send_lock:
            if fds:
                socket.send_fds(self._sock, [json.dumps(message).encode()], fds)
            else:
                self._sock.send(json.dumps(message).encode())

    def spawn(self, cwd: Path, env: dict[str, str], stdin_fd: int, log_fd: int, channel_fd: int) -> int:
        with self._send_lock:
            self._next_id += 1
            ident = self._next_id
        answer: queue.Queue[dict[str, Any]] = queue.Queue()
        self._spawned[ident] = answer
        try:
            self._send({"id": ident, "cwd": str(cwd), "env": env}, [stdin_fd, log_fd, channel_fd])
            message = answer.get(timeout=60)
        except (OSError, queue.Empty) as exc:
            raise ZygoteError(f"the zygote did not fork a child ({exc})") from None
        finally:
            self._spawned.pop(ident, None)
        if "pid" not in message:
            raise ZygoteError(str(message.get("error", "the zygote did not fork a child")))
        return int(message["pid"])

    def status(self, pid: int, timeout: float | None) -> int | None:
        """The child's exit status once it exited (waiting up to ``timeout``; None: as long as it takes)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while pid not in self._exits and self.alive:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return None
                self._cond.wait(left)
            return self._exits.get(pid, -signal.SIGKILL)

    def poll(self, pid: int) -> int | None:
        with self._cond:
            if pid in self._exits:
                return self._exits[pid]
            return None if self.alive else -signal.SIGKILL

    def reap(self, pid: int, timeout: float = 10.0) -> None:
        """Let the zygote collect the exited child (its pid may be reused from then on)."""
        try:
            self._send({"reap": pid})
        except OSError:
            return
        deadline = time.monotonic() + timeout
        with self._cond:
            while pid not in self._reaped and self.alive and time.monotonic() < deadline:
                self._cond.wait(deadline - time.monotonic())
            self._reaped.discard(pid)
            self._exits.pop(pid, None)

    def close(self) -> None:
        try:
            self._sock.shutdown(socket.SHUT_RDWR)  # wakes the reader thread
        except OSError:
            pass
        try:
            self.proc.kill()
            self.proc.wait(timeout=10)
        except (OSError, subprocess.SubprocessError):
            pass
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=10)
        self._sock.close()


class ZygoteChild:
    """A child forked by the zygote, seen through the parts of ``Popen`` the sandbox uses."""

    def __init__(self, zygote: _Zygote, pid: int, stdin: BinaryIO) -> None:
        self._zygote = zygote
        self.pid = pid
        self.stdin: BinaryIO | None = stdin
        self.returncode: int | None = None
        self._reaped = False

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self._zygote.poll(self.pid)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            self.returncode = self._zygote.status(self.pid, timeout)
            if self.returncode is None:
                raise subprocess.TimeoutExpired(f"pid {self.pid}", timeout or 0)
        if not self._reaped:
            self._reaped = True
            self._zygote.reap(self.pid)
        return self.returncode

    def kill(self) -> None:
        if self.returncode is None and not self._reaped:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


_lock = threading.Lock()
_zygotes: list[_Zygote] = []
_starts: list[int] = [0]
MAX_STARTS = 2  # one restart if it dies; after that, fresh interpreters for the rest of this grader's run


def wanted() -> bool:
    return hasattr(os, "fork") and hasattr(socket, "send_fds") and not os.environ.get("AUTOGRADER_NO_ZYGOTE")


def _current() -> _Zygote | None:
    with _lock:
        if _zygotes and _zygotes[0].alive:
            return _zygotes[0]
        while _zygotes:
            _zygotes.pop().close()
        if _starts[0] >= MAX_STARTS:
            return None
        _starts[0] += 1
        try:
            _zygotes.append(_Zygote())
            if _starts[0] == 1:
                atexit.register(shutdown)  # end it with the grader, and collect its (and its children's) CPU time
        except (OSError, subprocess.SubprocessError) as exc:
            warn_once(f"the zygote could not start ({exc}); children start fresh interpreters")
            return None
        return _zygotes[0]


def spawn(cwd: Path, env: dict[str, str], log_fd: int, channel_fd: int) -> ZygoteChild | None:
    """A child forked from the zygote, waiting for its configuration on ``stdin``; None when no zygote."""
    if not wanted():
        return None
    zygote = _current()
    if zygote is None:
        return None
    read_end, write_end = os.pipe()
    try:
        pid = zygote.spawn(cwd, env, read_end, log_fd, channel_fd)
    except ZygoteError:
        os.close(write_end)
        return None
    finally:
        os.close(read_end)
    return ZygoteChild(zygote, pid, os.fdopen(write_end, "wb"))


def shutdown() -> None:
    """Stop the zygote (tests; the process's exit does it otherwise)."""
    with _lock:
        while _zygotes:
            _zygotes.pop().close()
        _starts[0] = 0  # stopped on purpose: the next child may start a new one
