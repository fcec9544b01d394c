"""Linux isolation for the sandbox child when the grader runs as root: namespaces, a private view, a pids cgroup.

Two halves, one per side of the fork:

* In the child, :func:`isolate` runs as root before any student code. It enters a private mount
  namespace and a network namespace with only a loopback interface, then rebuilds the file system
  view so that an unprivileged user can run this Python and nothing more of what is private:

  - every folder the child must reach (the interpreter, the standard library, the virtual
    environment, each ``sys.path`` entry, the packages pytest and the grader live in, the scratch
    folder) that lies below a folder that user cannot enter (say ``/root``, mode 700) is made
    reachable: an empty read-only tmpfs covers the blocking folder and only the needed paths are
    bind-mounted back from the original, so the rest of that folder stays hidden;
  - ``/tmp``, ``/var/tmp`` and ``/dev/shm`` become small private tmpfs (the scratch folder is bound
    back), so nothing the student writes there outlives the child or reaches anyone else;
  - the paths the grader asks to protect (OUT, the submissions folder, an instructor's reference
    solutions) are covered by an empty read-only tmpfs, or bound read-only when a needed path lies
    inside them.

  The caller then changes to the sandbox user (see :mod:`autograder.grading.child`).

* In the grader, :class:`PidsCgroup` makes one cgroup per child (the cgroup v1 ``pids`` controller,
  or cgroup v2 with ``pids`` enabled) whose ``pids.max`` bounds every process and thread the child
  and its descendants make, whatever their user: a fork bomb meets ``EAGAIN`` even when the child
  could not leave root. At the end every process in the group is killed and the group removed.

Everything here is Linux only and needs root; callers probe first and fall back with a warning.
Python 3.11 has no ``os.unshare``, so the system calls go through ctypes.
"""

from __future__ import annotations

import ctypes
import errno
import os
import signal
import stat
import struct
import sys
import time
from collections.abc import Iterable, Sequence
from importlib.util import find_spec
from pathlib import Path

CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
CLONE_NEWIPC = 0x08000000
MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18

PRIVATE_DIRS = ("/tmp", "/var/tmp", "/dev/shm")  # become empty, writable, private tmpfs
PRIVATE_SIZE = "64m"  # each private tmpfs: bounds what the student can store in memory-backed files
# the packages the child imports after it has changed user (found without importing them)
CHILD_PACKAGES = ("autograder", "pytest", "_pytest", "pluggy", "faker")


class IsolationError(OSError):
    """A namespace, mount or cgroup operation failed."""


# ------------------------------------------------------------------------------- system calls

_libc_handle: ctypes.CDLL | None = None


def _libc() -> ctypes.CDLL:
    global _libc_handle
    if _libc_handle is None:
        _libc_handle = ctypes.CDLL(None, use_errno=True)
    return _libc_handle


def _check(result: int, what: str) -> None:
    if result != 0:
        code = ctypes.get_errno()
        raise IsolationError(code, f"{what}: {os.strerror(code)}")


def unshare(flags: int) -> None:
    _check(_libc().unshare(ctypes.c_int(flags)), "unshare")


def mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    def enc(value: str | None) -> bytes | None:
        return os.fsencode(value) if value is not None else None

    libc = _libc()
    libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
    _check(libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)),
           f"mount {source or fstype} on {target}")


def loopback_up() -> None:
    """Bring ``lo`` up in a fresh network namespace (local sockets keep working, nothing else exists)."""
    import fcntl
    import socket

    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sh14x", b"lo", 0)
        flags = struct.unpack("16sh14x", fcntl.ioctl(sock.fileno(), siocgifflags, request))[1]
        fcntl.ioctl(sock.fileno(), siocsifflags, struct.pack("16sh14x", b"lo", flags | iff_up))


# ------------------------------------------------------------------------------- paths to reach


def _inside(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or lies below it (both absolute and normalised)."""
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _strictly_inside(path: str, folder: str) -> bool:
    return path != folder and _inside(path, folder)


def expand_links(path: str, limit: int = 40) -> list[str]:
    """``path`` and every path its symbolic links lead through, up to its real location.

    Reaching ``/r/venv/lib64/x`` when ``lib64 -> lib`` takes the link ``/r/venv/lib64`` and the
    folder ``/r/venv/lib/x``: both must exist in the rebuilt view.
    """
    out: list[str] = []
    work = [os.path.normpath(os.path.abspath(path))]
    while work and len(out) < limit:
        current = work.pop()
        if current in out:
            continue
        out.append(current)
        parts = [p for p in current.split("/") if p]
        prefix = ""
        for i, part in enumerate(parts):
            prefix = f"{prefix}/{part}"
            try:
                info = os.lstat(prefix)
            except OSError:
                break
            if stat.S_ISLNK(info.st_mode):
                rest = "/".join(parts[i + 1:])
                target = os.path.join(os.path.dirname(prefix), os.readlink(prefix), rest)
                work.append(os.path.normpath(target))
                break
    return out


def interpreter_paths() -> list[str]:
    """What this Python needs after it has changed user: prefixes, ``sys.path``, its packages' folders."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             os.path.dirname(sys.executable), os.path.dirname(os.path.realpath(sys.executable))}
    paths.update(entry for entry in sys.path if entry)
    for name in CHILD_PACKAGES:
        try:
            spec = find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is None:
            continue
        for location in list(spec.submodule_search_locations or []) + ([spec.origin] if spec.origin else []):
            if location and os.path.isabs(location):
                paths.add(location if os.path.isdir(location) else os.path.dirname(location))
    return sorted(p for p in paths if os.path.isabs(p))


def _can_search(info: os.stat_result, uid: int, gid: int) -> bool:
    if info.st_uid == uid:
        return bool(info.st_mode & stat.S_IXUSR)
    if info.st_gid == gid:
        return bool(info.st_mode & stat.S_IXGRP)
    return bool(info.st_mode & stat.S_IXOTH)


def blocking_folder(path: str, uid: int, gid: int) -> str | None:
    """The outermost folder above ``path`` that ``uid`` (with only ``gid``) cannot enter, if any."""
    parts = [p for p in path.split("/") if p]
    prefix = ""
    for part in parts[:-1]:
        prefix = f"{prefix}/{part}"
        try:
            info = os.lstat(prefix)
        except OSError:
            return None
        if stat.S_ISLNK(info.st_mode):
            return None  # the rest is reached through the link's target, checked on its own
        if stat.S_ISDIR(info.st_mode) and not _can_search(info, uid, gid):
            return prefix
    return None


def _outermost(paths: Iterable[str]) -> list[str]:
    """The paths that lie in none of the others."""
    ordered = sorted(set(paths), key=lambda p: (p.count("/"), p))
    kept: list[str] = []
    for path in ordered:
        if not any(_inside(path, other) for other in kept):
            kept.append(path)
    return sorted(kept)


# ------------------------------------------------------------------------------- the new view


def _graft(folder: str, relative: str) -> None:
    """Recreate ``folder/relative`` in the tmpfs now over ``folder`` and bind the original back.

    The current directory is the original ``folder`` (entered before the tmpfs covered it), so a
    relative path still reaches what the tmpfs hides. Folders on the way are created (root, 755);
    a symbolic link on the way is copied and the walk stops: its target is grafted on its own.
    """
    parts = [p for p in relative.split("/") if p]
    current = ""
    for i, part in enumerate(parts):
        current = f"{current}/{part}" if current else part
        target = f"{folder.rstrip('/')}/{current}"
        try:
            info = os.lstat(current)
        except OSError:
            return
        if stat.S_ISLNK(info.st_mode):
            if not os.path.lexists(target):
                os.symlink(os.readlink(current), target)
            return
        last = i == len(parts) - 1
        if not last:
            if not stat.S_ISDIR(info.st_mode):
                return
            if not os.path.lexists(target):
                os.mkdir(target)
                os.chmod(target, 0o755)
            continue
        if not os.path.lexists(target):
            if stat.S_ISDIR(info.st_mode):
                os.mkdir(target)
                os.chmod(target, 0o755)
            else:
                os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o644))
        mount(current, target, None, MS_BIND | MS_REC)


def _cover(folder: str, keep: Sequence[str], *, writable: bool) -> None:
    """Mount an empty tmpfs over ``folder`` and bind back each path of ``keep`` (all below it)."""
    data = f"mode=1777,size={PRIVATE_SIZE}" if writable else "mode=755,size=1m"
    flags = MS_NOSUID | MS_NODEV
    os.chdir(folder)
    try:
        mount("tmpfs", folder, "tmpfs", flags, data)
        for path in _outermost(keep):
            _graft(folder, os.path.relpath(path, folder))
        if not writable:
            mount(None, folder, None, MS_REMOUNT | MS_RDONLY | flags, data)
    finally:
        os.chdir("/")


def _protect(path: str, needed: Sequence[str], writable: Sequence[str]) -> None:
    """Hide ``path`` (an empty read-only tmpfs over it), or make it read-only if something needed is inside."""
    if not os.path.isdir(path):
        return
    if any(_inside(w, path) or _inside(path, w) for w in writable):
        return  # the scratch folder is inside (or around) it: file permissions are what protects it
    if any(_inside(n, path) for n in needed):
        mount(path, path, None, MS_BIND | MS_REC)
        # a remount changes one mount: every mount inside ``path`` (the grafts) is made read-only too
        points = sorted({point for _, point, _, _ in _mountinfo() if _inside(point, path)}, key=len)
        for point in points:
            mount(None, point, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
    else:
        mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755,size=4k")


def plan_view(uid: int, gid: int, reach: Sequence[str]) -> tuple[list[str], dict[str, bool]]:
    """The paths to keep reachable, and the folders to cover (folder -> writable), for ``uid``."""
    needed: list[str] = []
    for path in [*interpreter_paths(), *reach]:
        if os.path.lexists(path):
            for step in expand_links(path):
                if os.path.lexists(step) and step not in needed:
                    needed.append(step)
    covers: dict[str, bool] = {}
    for folder in PRIVATE_DIRS:
        if os.path.isdir(folder) and not os.path.islink(folder) and not any(_inside(folder, n) for n in needed):
            covers[folder] = True
    for path in needed:
        blocker = blocking_folder(path, uid, gid)
        if blocker is not None and blocker != "/":
            covers.setdefault(blocker, False)
    outer = _outermost(covers)
    return needed, {folder: covers[folder] for folder in outer}


def isolate(uid: int, gid: int, *, reach: Sequence[str], writable: Sequence[str], protect: Sequence[str],
            network: bool = True) -> None:
    """Enter private namespaces and rebuild the view for ``uid`` (see the module's docstring). Root only.

    The current directory is entered again, by its path, in the new view (``/`` if it is gone there).
    """
    cwd = os.getcwd()
    unshare(CLONE_NEWNS | (CLONE_NEWNET if network else 0))
    try:
        # System V shared memory, semaphores and message queues of its own: what a submission leaves
        # there (a subprocess has no audit hook) ends with it, and no other student's child can read it
        unshare(CLONE_NEWIPC)
    except OSError:
        pass  # a kernel without IPC namespaces: that protection only
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    reach = [os.path.abspath(p) for p in reach]
    writable = [os.path.abspath(p) for p in writable]
    needed, covers = plan_view(uid, gid, [*reach, *writable])
    for folder, is_writable in covers.items():
        _cover(folder, [n for n in needed if _strictly_inside(n, folder)], writable=is_writable)
    for path in protect:
        try:
            _protect(os.path.abspath(path), needed, writable)
        except OSError:
            pass  # best effort: the sandbox user's file permissions still keep it from writing there
    if network:
        try:
            loopback_up()
        except OSError:
            pass  # without loopback the child still runs; it only has no network at all
    try:
        os.chdir(cwd)
    except OSError:
        os.chdir("/")


# ------------------------------------------------------------------------------------ cgroups


def _mountinfo() -> list[tuple[str, str, str, list[str]]]:
    """(mount root, mount point, file system type, super options) of each mount of this process."""
    rows = []
    try:
        text = Path("/proc/self/mountinfo").read_text(encoding="utf-8")
    except OSError:
        return rows
    for line in text.splitlines():
        left, _, right = line.partition(" - ")
        fields, tail = left.split(), right.split()
        if len(fields) < 5 or len(tail) < 3:
            continue
        unescape = lambda s: s.replace("\\040", " ").replace("\\011", "\t").replace("\\134", "\\")
        rows.append((unescape(fields[3]), unescape(fields[4]), tail[0], tail[2].split(",")))
    return rows


def _own_cgroups() -> dict[str, str]:
    """Controller (``pids``; ``""`` for cgroup v2) -> this process's cgroup path."""
    own: dict[str, str] = {}
    try:
        text = Path("/proc/self/cgroup").read_text(encoding="utf-8")
    except OSError:
        return own
    for line in text.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        for controller in parts[1].split(",") if parts[1] else [""]:
            own[controller] = parts[2]
    return own


def _under_mount(mount_root: str, mount_point: str, own: str) -> str:
    """Where this process's cgroup ``own`` is inside a hierarchy mounted at ``mount_point``."""
    if mount_root != "/" and _inside(own, mount_root):
        own = own[len(mount_root):] or "/"
    elif mount_root != "/":
        own = "/"
    return os.path.normpath(mount_point + "/" + own.lstrip("/"))


def find_pids_parent() -> tuple[str, str] | None:
    """(``v1`` or ``v2``, the folder to create child cgroups in), where the pids controller can be used."""
    own = _own_cgroups()
    mounts = _mountinfo()
    for root, point, fstype, options in mounts:
        if fstype == "cgroup" and "pids" in options and "pids" in own:
            parent = _under_mount(root, point, own["pids"])
            if os.access(parent, os.W_OK) and os.path.isfile(os.path.join(parent, "cgroup.procs")):
                return "v1", parent
    for root, point, fstype, _ in mounts:
        if fstype == "cgroup2" and "" in own:
            parent = _under_mount(root, point, own[""])
            try:
                controllers = Path(parent, "cgroup.controllers").read_text(encoding="utf-8").split()
                if "pids" not in controllers:
                    continue
                enabled = Path(parent, "cgroup.subtree_control").read_text(encoding="utf-8").split()
                if "pids" not in enabled:
                    # refused (EBUSY) when processes live in ``parent`` itself and it is not the root
                    Path(parent, "cgroup.subtree_control").write_text("+pids", encoding="utf-8")
            except OSError:
                continue
            return "v2", parent
    return None


def find_memory_parent(pids: tuple[str, str] | None) -> str | None:
    """The folder to create per-child memory cgroups in: cgroup v1's own ``memory`` hierarchy, or, on
    cgroup v2, the pids parent itself once ``+memory`` is enabled there. None where it cannot be used."""
    if pids is not None and pids[0] == "v2":
        parent = pids[1]
        try:
            if "memory" not in Path(parent, "cgroup.controllers").read_text(encoding="utf-8").split():
                return None
            if "memory" not in Path(parent, "cgroup.subtree_control").read_text(encoding="utf-8").split():
                Path(parent, "cgroup.subtree_control").write_text("+memory", encoding="utf-8")
        except OSError:
            return None
        return parent
    own = _own_cgroups()
    for root, point, fstype, options in _mountinfo():
        if fstype == "cgroup" and "memory" in options and "memory" in own:
            parent = _under_mount(root, point, own["memory"])
            if os.access(parent, os.W_OK) and os.path.isfile(os.path.join(parent, "memory.limit_in_bytes")):
                return parent
    return None


class PidsCgroup:
    """One child's cgroup: a ``pids.max`` for it and all it spawns, and a way to kill them all; where a
    memory controller can be used, also one memory budget for the child and every process it forks
    (a per-process address-space limit is multiplied by each fork)."""

    def __init__(self, path: str, version: str, memory_path: str | None = None) -> None:
        self.path = path
        self.version = version
        self.memory_path = memory_path  # cgroup v1: the group of the same name in the memory hierarchy

    @classmethod
    def create(cls, parent: str, version: str, limit: int, memory: tuple[str, int] | None = None) -> PidsCgroup:
        """``memory``: (the memory parent from :func:`find_memory_parent`, the budget in bytes)."""
        name = f"{group_prefix(os.getpid())}{os.urandom(6).hex()}"
        path = os.path.join(parent, name)
        os.mkdir(path)
        group = cls(path, version)
        try:
            Path(path, "pids.max").write_text(str(limit), encoding="utf-8")
            if memory is not None:
                memory_parent, budget = memory
                if version == "v2":
                    Path(path, "memory.max").write_text(str(budget), encoding="utf-8")
                    if Path(path, "memory.swap.max").exists():
                        Path(path, "memory.swap.max").write_text("0", encoding="utf-8")
                else:
                    group.memory_path = os.path.join(memory_parent, name)
                    os.mkdir(group.memory_path)
                    Path(group.memory_path, "memory.limit_in_bytes").write_text(str(budget), encoding="utf-8")
        except OSError:
            group.remove()
            raise
        return group

    def add(self, pid: int) -> None:
        Path(self.path, "cgroup.procs").write_text(str(pid), encoding="utf-8")
        if self.memory_path is not None:
            Path(self.memory_path, "cgroup.procs").write_text(str(pid), encoding="utf-8")

    def pids(self) -> list[int]:
        try:
            text = Path(self.path, "cgroup.procs").read_text(encoding="utf-8")
        except OSError:
            return []
        return [int(p) for p in text.split() if p.isdigit()]

    def kill_all(self, attempts: int = 200) -> bool:
        """SIGKILL every process in the group until none is left; whether it emptied."""
        kill_file = Path(self.path, "cgroup.kill")
        for _ in range(attempts):
            members = self.pids()
            if not members:
                return True
            if self.version == "v2" and kill_file.exists():
                try:
                    kill_file.write_text("1", encoding="utf-8")
                except OSError:
                    pass
            for pid in members:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            time.sleep(0.005)
        return not self.pids()

    def remove(self, wait: float = 2.0) -> bool:
        """Remove the (empty) group; killed processes that are not yet reaped can delay it a little."""
        deadline = time.monotonic() + wait
        for path in (self.path, self.memory_path):
            if path is None:
                continue
            while True:
                try:
                    os.rmdir(path)
                    break
                except FileNotFoundError:
                    break
                except OSError as exc:
                    if exc.errno != errno.EBUSY or time.monotonic() >= deadline:
                        return False
                self.kill_all(attempts=1)
                time.sleep(0.02)
        return True


def _pid_namespace() -> int:
    try:
        return os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        return 0


def group_prefix(pid: int) -> str:
    """How the names of the groups made by grader ``pid`` (of this PID namespace) begin."""
    return f"autograder-{_pid_namespace()}-{pid}-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap_stale(parent: str, version: str) -> int:
    """Empty and remove the groups a grader that died (SIGKILL, a crash) left behind; how many went.

    Group names carry the grader's PID namespace and pid; a group is stale only when it comes from
    this namespace and that process is gone, so running graders' groups (here, or in a container
    that shares the hierarchy) are never touched.
    """
    removed = 0
    try:
        entries = os.listdir(parent)
    except OSError:
        return 0
    namespace = str(_pid_namespace())
    for entry in entries:
        parts = entry.split("-")
        if len(parts) != 4 or parts[0] != "autograder" or parts[1] != namespace or not parts[2].isdigit():
            continue
        pid = int(parts[2])
        if pid == os.getpid() or _alive(pid):
            continue
        group = PidsCgroup(os.path.join(parent, entry), version)
        group.kill_all()
        removed += group.remove(wait=0.5)
    return removed
