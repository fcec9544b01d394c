"""The zygote: a pre-imported parent that forks one fresh sandbox child per request (POSIX only).

Starting ``python -m autograder.grading.child`` costs most of a small suite's wall time (a new
interpreter, pytest and its plugins, the grader's plugin, the race engine, Faker). The grader starts
this process once instead (``python -I -m autograder.grading.zygote FD``); it imports all of that,
then waits on the Unix socket ``FD`` (SOCK_SEQPACKET) for requests. Each request carries three file
descriptors (the child's configuration pipe, its log, the write end of its results channel) and its
folder and environment, nothing secret: the key goes from the grader straight into the new child's
configuration pipe, which the zygote never reads. For each request it forks; the new process

* starts a session of its own, puts the configuration pipe on 0, the log on 1 and 2 and the channel
  on 3 (not inherited by what it execs), and closes every other descriptor (the zygote's socket, and
  nothing of another child ever reaches it: the zygote holds a request's descriptors only until it
  has forked that one child),
* enters its folder and environment, and runs :func:`autograder.grading.child.main`, which reads
  the configuration and applies namespaces, limits and the change of user exactly as a freshly
  started child does, before any student code is imported.

The zygote tells the grader each child's pid and, once it exits, its status; it reaps a child only
when the grader asks (so the pid, and its process group, cannot be reused while the grader may
still signal it). It ends when the grader closes the socket, or dies (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import select
import socket
import sys
import tempfile
from typing import Any

CHANNEL_FD = 3  # where a forked child finds its results channel


def preload() -> None:
    """Import what every child needs before student code runs (copy-on-write after the fork)."""
    import _pytest.config
    import pytest  # noqa: F401

    for name in _pytest.config.default_plugins:
        try:
            importlib.import_module(f"_pytest.{name}")
        except ImportError:
            pass
    import autograder.grading.child  # noqa: F401
    import autograder.race  # noqa: F401
    import autograder.testing.plugin  # noqa: F401

    for optional in ("autograder.exercises.harness", "autograder.testing.feedback"):
        try:
            importlib.import_module(optional)
        except ImportError:
            pass
    try:
        from faker import Faker

        Faker().name()  # loads the default locale's providers
    except Exception:  # noqa: BLE001 - a child imports what it needs anyway
        pass
    # the race engine asks, at every explore, whether each loaded module is the student's: answer
    # for everything loaded so far once here (os.path.realpath of ~450 files, ~35 ms per child)
    from autograder.race.scope import warm_default_verdicts

    warm_default_verdicts()
    gc.collect()
    if hasattr(gc, "freeze"):
        gc.freeze()  # keep the collector from touching (and so copying) the pre-imported objects


def _send(sock: socket.socket, message: dict[str, Any]) -> None:
    try:
        sock.send(json.dumps(message).encode())
    except OSError:
        os._exit(0)  # the grader is gone


def _become_child(sock: socket.socket, request: dict[str, Any], fds: list[int]) -> None:
    """In the forked process: descriptors, session, folder and environment, then the child's main()."""
    code = 71
    try:
        sock.close()
        os.setsid()
        import fcntl

        # copies out of the way of 0-3 before those are replaced
        stdin_fd, log_fd, channel_fd = (fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in fds)
        os.dup2(stdin_fd, 0)
        os.dup2(log_fd, 1)
        os.dup2(log_fd, 2)
        os.dup2(channel_fd, CHANNEL_FD, inheritable=False)
        os.closerange(CHANNEL_FD + 1, _max_fd())
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update({str(k): str(v) for k, v in request["env"].items()})
        tempfile.tempdir = None
        from autograder.grading import child

        sys.argv = [child.__file__]
        child.main()  # ends the process itself
        code = 0
    except BaseException:  # noqa: BLE001 - nothing here may return into the zygote's loop
        try:
            import traceback

            traceback.print_exc()
            sys.stderr.flush()
        except BaseException:  # noqa: BLE001
            pass
    finally:
        os._exit(code)


def _max_fd() -> int:
    try:
        return os.sysconf("SC_OPEN_MAX")
    except (ValueError, OSError):
        return 4096


def serve(sock: socket.socket) -> None:
    running: set[int] = set()  # forked, not yet reported as exited
    exited: set[int] = set()  # reported, not yet reaped
    while True:
        for pid in list(running):
            try:
                info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except ChildProcessError:
                info = None
                running.discard(pid)
                continue
            if info is not None:
                running.discard(pid)
                exited.add(pid)
                status = -info.si_status if info.si_code in (os.CLD_KILLED, os.CLD_DUMPED) else info.si_status
                _send(sock, {"exited": pid, "status": status})
        try:
            ready, _, _ = select.select([sock], [], [], 0.02 if running else 1.0)
        except InterruptedError:
            continue
        if not ready:
            continue
        try:
            data, fds, _, _ = socket.recv_fds(sock, 1 << 16, 8)
        except OSError:
            return
        if not data:
            return
        request = json.loads(data)
        if "reap" in request:
            pid = int(request["reap"])
            if pid in exited or pid in running:
                try:
                    os.waitpid(pid, 0)
                except ChildProcessError:
                    pass
                exited.discard(pid)
                running.discard(pid)
            _send(sock, {"reaped": pid})
            continue
        if len(fds) != 3:
            for fd in fds:
                os.close(fd)
            _send(sock, {"spawned": request.get("id"), "error": "three descriptors expected"})
            continue
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            pid = os.fork()
        except OSError as exc:
            for fd in fds:
                os.close(fd)
            _send(sock, {"spawned": request.get("id"), "error": str(exc)})
            continue
        if pid == 0:
            _become_child(sock, request, fds)
        for fd in fds:
            os.close(fd)
        running.add(pid)
        _send(sock, {"spawned": request.get("id"), "pid": pid})


def main() -> None:
    sock = socket.socket(fileno=int(sys.argv[1]))
    from autograder.grading.child import die_with_parent

    die_with_parent()
    preload()
    _send(sock, {"ready": os.getpid()})
    serve(sock)


if __name__ == "__main__":
    main()
