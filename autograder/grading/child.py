"""The child process that runs a student's code under pytest, sandboxed, and reports on a private pipe.

The grader starts ``python -I -m autograder.grading.child`` and writes one JSON line on its standard
input: the pipe's file descriptor (on the portable runner, for Windows and macOS, ``"channel":
"stdout"``: its standard output is the channel), a one-time HMAC key, the limits, the user to
become and pytest's arguments. The records are defined in :mod:`autograder.grading.protocol`.
(The grader may fork this process from :mod:`autograder.grading.zygote` instead of starting it.)
Before any student code is imported this process

* reads that line and closes standard input (the key is never visible to later readers of stdin),
* when it is root and the grader asks for it, enters private mount and network namespaces and
  rebuilds its view of the file system so the sandbox user can run this Python while the grader's
  private folders stay hidden (see :mod:`autograder.grading.isolation`),
* applies the resource limits (CPU time, address space, processes, file size, open files),
* drops root privileges to the sandbox user when it has them (so RLIMIT_NPROC counts, and the
  student's code cannot write the grader's files),
* snapshots the grader's, pytest's and pluggy's functions.

Then it runs pytest. For every test it writes a ``begin`` record, a ``call`` record once the
student's module has been imported, and a ``result`` record with the plugin's verdict; after each
test it checks that nothing in the snapshot was replaced. Every record carries a sequence number
and an HMAC made with the key, so printing, or writing files, cannot forge one. The run ends with
an ``end`` record; a child that exits without it has crashed, whatever its exit status.
"""

from __future__ import annotations

import builtins
import gc
import itertools
import json
import operator
import os
import signal
import sys
import time
import types
from typing import Any

import pytest

try:
    import resource
except ImportError:  # Windows: the portable runner keeps its time limits only
    resource = None  # type: ignore[assignment]

from autograder.grading import guard_hooks
from autograder.testing.threads import os_threads, settles_to

from .protocol import PROTOCOL, TAMPERED_EXIT, Begin, Call, Channel, Collected, End, Hello, Result, TestId, sign

__all__ = ["PROTOCOL", "TAMPERED_EXIT", "Channel", "sign", "main"]  # Channel and sign live in .protocol

SNAPSHOT_PREFIXES = ("autograder", "_pytest", "pytest", "pluggy", "faker")
# standard-library modules whose classes the tests' data comes from: Faker draws every number through
# random.Random's methods, so a submission that rewrote randrange would choose its own test data
SNAPSHOT_MODULES = frozenset({"random"})
WATCHED_HOOKS = (
    "pytest_runtest_protocol", "pytest_runtest_setup", "pytest_runtest_call", "pytest_runtest_teardown",
    "pytest_runtest_makereport", "pytest_runtest_logreport", "pytest_pyfunc_call", "pytest_report_teststatus",
)


# ------------------------------------------------------------------------------------ integrity


def _members(value: Any) -> list[tuple[str, Any, Any]]:
    """What of a module attribute must never change: the object, and a function's code.

    Each member is (suffix, value, owner): ``owner`` is the function whose ``__code__``,
    ``__defaults__`` or ``__kwdefaults__`` the member is (writing those is an audit event the guard
    notes, so a walk re-reads them only for the functions written since the last), None for members
    that are read on every walk.
    """
    out: list[tuple[str, Any, Any]] = [("", value, None)]
    if isinstance(value, types.FunctionType):
        out.append((".__code__", value.__code__, value))
        out.append((".__defaults__", value.__defaults__, value))
        out.append((".__kwdefaults__", value.__kwdefaults__, value))
        for index, cell in enumerate(value.__closure__ or ()):
            try:
                inner = cell.cell_contents
            except ValueError:  # an empty cell
                continue
            if isinstance(inner, (types.FunctionType, type)):  # a decorator's wrapped function
                out.append((f".__closure__[{index}]", inner, None))
    elif isinstance(value, property):
        for part in ("fget", "fset"):
            function = getattr(value, part)
            if isinstance(function, types.FunctionType):
                out.append((f".{part}", function, None))
                out.append((f".{part}.__code__", function.__code__, function))
    elif isinstance(value, (staticmethod, classmethod)):
        function = value.__func__
        if isinstance(function, types.FunctionType):
            out.append((".__func__.__code__", function.__code__, function))
    return out


def _watched(value: Any) -> bool:
    return isinstance(value, (types.FunctionType, types.BuiltinFunctionType, type, property,
                              staticmethod, classmethod, types.ModuleType))


# the grader's own constants (the engine's step cost and opcode sets, a suite helper's accepted types,
# the budget a check retries with): rebinding one changes verdicts without replacing any function
_CONSTANT_TYPES = (int, float, complex, str, bytes, frozenset, tuple)


def _grader_constant(module: str, attr: str, value: Any) -> bool:
    return (module == "autograder" or module.startswith("autograder.")) and isinstance(value, _CONSTANT_TYPES) \
        and not (attr.startswith("__") and attr.endswith("__"))


def _resolve(obj: Any, suffix: str) -> Any:
    for part in suffix.strip(".").split("."):
        if part.startswith("__closure__["):
            cells = getattr(obj, "__closure__", None) or ()
            index = int(part[len("__closure__["):-1])
            try:
                obj = cells[index].cell_contents
            except (IndexError, ValueError):
                return None
            continue
        obj = getattr(obj, part, None)
    return obj


def _hide_suites(items: Any) -> list[types.ModuleType]:
    """Take the collected suites out of student code's easy reach before any of it runs: out of
    ``sys.modules`` and their packages' attributes (where ``vars()`` would hand over every constant of
    a suite: fixed test inputs, expected answers), and keep of each docstring only its first line, the
    title the feedback shows anyway (the rest is the instructor's notes). The tests keep their module
    through pytest's own references. Returns those modules (the integrity snapshot still covers them)."""
    seen: set[int] = set()
    hidden = []
    for item in items:
        module = getattr(item, "module", None)
        if module is None or id(module) in seen:
            continue
        seen.add(id(module))
        hidden.append(module)
        name = getattr(module, "__name__", "")
        if sys.modules.get(name) is module:
            del sys.modules[name]
        parent, _, leaf = name.rpartition(".")
        package = sys.modules.get(parent) if parent else None
        if package is not None and package.__dict__.get(leaf) is module:
            delattr(package, leaf)
        module.__doc__ = None
        for value in list(vars(module).values()):
            if isinstance(value, types.FunctionType) and isinstance(value.__doc__, str):
                title = value.__doc__.strip().splitlines()
                value.__doc__ = title[0] if title else None
    return hidden


class Integrity:
    """A snapshot of the grader's, pytest's and pluggy's code; ``changes()`` names what was replaced."""

    # the modules whose functions run this check and send its answer: their code is read on every
    # walk, whatever the guard noted, so that replacing the code that reports writes cannot hide itself
    # (code elsewhere that was rewritten during a test, the plugin that makes a test's record
    # included, is found by this untouched check before that record is sent)
    ALWAYS_READ = ("autograder.grading.child.", "autograder.grading.guard", "autograder.grading.protocol.")

    def __init__(self, config: Any = None, always: tuple[Any, ...] = (),
                 hidden: tuple[types.ModuleType, ...] = ()) -> None:
        self._config = config
        self._entries: list[tuple[str, Any, str, Any]] = []  # (label, holder, attribute, expected)
        self._modules: dict[str, types.ModuleType] = {}
        # the suites taken out of sys.modules (see _hide_suites) are watched as closely as the rest
        modules = [(name, module, True) for name, module in sorted(sys.modules.items())]
        modules += [(getattr(module, "__name__", ""), module, False) for module in hidden]
        for name, module, listed in modules:
            if module is None or not (name.startswith(SNAPSHOT_PREFIXES) or name in SNAPSHOT_MODULES):
                continue
            if listed:
                self._modules[name] = module
            for attr, value in list(vars(module).items()):
                if not _watched(value):
                    if _grader_constant(name, attr, value):
                        self._entries.append((f"{name}.{attr}", module, attr, value))
                    continue
                self._entries.append((f"{name}.{attr}", module, attr, value))
                if isinstance(value, type) and getattr(value, "__module__", "") == name:
                    for member, inner in list(vars(value).items()):
                        if isinstance(inner, (types.FunctionType, property, staticmethod, classmethod)) or \
                                _grader_constant(name, member, inner):
                            self._entries.append((f"{name}.{attr}.{member}", value, member, inner))
        for attr, value in vars(builtins).items():
            if _watched(value):
                self._entries.append((f"builtins.{attr}", builtins, attr, value))
        # (label, members read on every walk, members read when their owner was written)
        self._deep: list[tuple[str, list[tuple[str, Any]], list[tuple[str, Any, int]]]] = []
        self._kwdefaults: list[tuple[str, dict, dict]] = []
        for label, _, _, expected in self._entries:
            every, written = [], []
            always_read = label.startswith(self.ALWAYS_READ)
            for suffix, value, owner in _members(expected)[1:]:
                if suffix.endswith("__kwdefaults__") and isinstance(value, dict):
                    # a dict of keyword defaults can be changed in place, which no audit event tells
                    self._kwdefaults.append((label + suffix, value, dict(value)))
                if owner is None or always_read:
                    every.append((suffix, value))
                else:
                    written.append((suffix, value, id(owner)))
            self._deep.append((label, every, written))
        for function in always:
            if isinstance(function, types.FunctionType):
                self._entries.append((f"the guard's {function.__name__}", None, "", function))
                self._deep.append((f"the guard's {function.__name__}",
                                   [(s, v) for s, v, _ in _members(function)[1:]], []))
        self._recent: frozenset[int] = frozenset()
        self._found: set[int] = set()
        self._prepare_bulk()
        self._hooks = self._hook_functions()
        self._plugins = self._plugin_ids()

    def _prepare_bulk(self) -> None:
        """The same snapshot, flattened for :meth:`_unchanged`: every (namespace, name, object) of the
        modules' and classes' attributes in three parallel tuples per kind of namespace, per kind of
        member (``fget``, a closure cell's contents, a code object...) the objects that hold one and
        what it was, and per function the members that are read only once it was written.

        A module's ``__dict__`` and a class's cannot be replaced (both attributes are read-only), so
        the namespaces are taken once here: a class's is the ``mappingproxy`` that ``vars()`` gives,
        which shows the class's own dictionary as it changes."""
        module_ns: list[Any] = []
        module_keys: list[str] = []
        module_values: list[Any] = []
        class_ns: list[Any] = []
        class_keys: list[str] = []
        class_values: list[Any] = []
        namespaces: dict[int, Any] = {}
        groups: dict[str, tuple[list[Any], list[Any]]] = {}
        self._by_owner: dict[int, list[tuple[str, Any, str, Any]]] = {}
        for (label, holder, attr, expected), (_, every, owned) in zip(self._entries, self._deep):
            if holder is not None:
                namespace = namespaces.get(id(holder))
                if namespace is None:
                    namespace = namespaces[id(holder)] = vars(holder)
                if type(namespace) is dict:
                    module_ns.append(namespace)
                    module_keys.append(attr)
                    module_values.append(expected)
                else:
                    class_ns.append(namespace)
                    class_keys.append(attr)
                    class_values.append(expected)
            for suffix, value in every:
                if suffix.startswith(".__closure__["):
                    index = int(suffix[len(".__closure__["):-1])
                    objs, values = groups.setdefault("cell_contents", ([], []))
                    objs.append(expected.__closure__[index])
                else:
                    objs, values = groups.setdefault(suffix.strip("."), ([], []))
                    objs.append(expected)
                values.append(value)
            for suffix, value, owner in owned:
                self._by_owner.setdefault(owner, []).append((label, expected, suffix, value))
        self._namespaces = tuple(namespaces.values())  # kept alive with the snapshot
        self._module_attrs = (tuple(module_ns), tuple(module_keys), tuple(module_values))
        self._class_attrs = (tuple(class_ns), tuple(class_keys), tuple(class_values))
        self._groups = [(operator.attrgetter(path), tuple(objs), tuple(values))
                        for path, (objs, values) in groups.items()]
        self._module_names = tuple(self._modules)
        self._module_objects = tuple(self._modules.values())

    def _unchanged(self, _all: Any = all, _map: Any = map, _is: Any = operator.is_, _dict_get: Any = dict.get,
                   _proxy_get: Any = types.MappingProxyType.get) -> bool:
        """Whether every attribute and member read on every walk is still the snapshot's object:
        identity only (an object's own ``__eq__`` is never asked), compared in C by ``map`` over flat
        tuples, a few passes in all. (Replaced modules are named by ``changes`` itself.)"""
        try:
            namespaces, keys, values = self._module_attrs
            if not _all(_map(_is, _map(_dict_get, namespaces, keys), values)):
                return False
            namespaces, keys, values = self._class_attrs
            if not _all(_map(_is, _map(_proxy_get, namespaces, keys), values)):
                return False
            for getter, objs, values in self._groups:
                if not _all(_map(_is, _map(getter, objs), values)):
                    return False
        except Exception:  # noqa: BLE001 - an emptied cell, a member gone: the full walk names it
            return False
        return True

    def _hook_functions(self) -> dict[str, tuple[int, ...]]:
        if self._config is None:
            return {}
        hooks = {}
        for name in WATCHED_HOOKS:
            caller = getattr(self._config.hook, name, None)
            if caller is not None:
                hooks[name] = tuple(id(impl.function) for impl in caller.get_hookimpls())
        return hooks

    def _plugin_ids(self) -> frozenset[int]:
        if self._config is None:
            return frozenset()
        return frozenset(id(p) for p in self._config.pluginmanager.get_plugins())

    def changes(self, quietly: Any = None, rewrites: Any = None, _vars: Any = vars, _modules: Any = sys.modules,
                _resolve: Any = _resolve, _len: Any = len, _all: Any = all, _map: Any = map,
                _is: Any = operator.is_, _repeat: Any = itertools.repeat) -> list[str]:
        """What was replaced since the snapshot.

        ``rewrites()`` (the guard's) names the functions whose code or defaults were written since its
        last call; without it (or when it answers None) every function's are read. The ids it named
        the call before are read once more (a write noted while this walk ran lands after its read),
        and so is every function found changed before.
        """
        # the builtins and helpers it needs are bound when this module is imported, before any student
        # code, so replacing builtins.vars or this module's _resolve cannot blind it
        changed: list[str] = []
        if not _all(_map(_is, _map(_modules.get, self._module_names), self._module_objects)):
            changed += [f"sys.modules[{name!r}]" for name, module in self._modules.items()
                        if _modules.get(name) is not module]
        written = rewrites() if rewrites is not None else None
        if written is not None:
            recent, self._recent = self._recent, written
            written = written | recent | self._found

        def walk() -> None:
            # only C-level reads of the snapshot's own objects (vars(), a function's __code__,
            # __defaults__, closure cells): no code but the interpreter's runs here, which is why
            # ``quietly`` may spare the audit hook its decision on each of these reads
            for label, value, items in self._kwdefaults:
                if _len(value) != _len(items) or not _all(_map(_is, _map(value.get, items, _repeat(value)),
                                                                 items.values())):
                    changed.append(label)
            if written is not None and self._unchanged():
                # the common case, compared in bulk; then only the functions the guard saw written
                for owner in written:
                    for label, expected, suffix, value in self._by_owner.get(owner, ()):
                        if _resolve(expected, suffix) is not value:
                            changed.append(label + suffix)
                            self._found.add(owner)  # read on every later walk too: it stays changed
                            break
                return
            for (label, holder, attr, expected), (_, every, owned) in zip(self._entries, self._deep):
                if holder is not None and _vars(holder).get(attr, None) is not expected:
                    changed.append(label)
                    continue
                for suffix, value in every:
                    if _resolve(expected, suffix) is not value:
                        changed.append(label + suffix)
                        break
                else:
                    for suffix, value, owner in owned:
                        if (written is None or owner in written) and _resolve(expected, suffix) is not value:
                            changed.append(label + suffix)
                            self._found.add(owner)  # read on every later walk too: it stays changed
                            break

        if quietly is not None:
            quietly(walk)
        else:
            walk()
        if self._hook_functions() != self._hooks:
            changed.append("pytest's hook implementations")
        if self._plugin_ids() != self._plugins:
            changed.append("pytest's registered plugins")
        return changed


# ------------------------------------------------------------------------------- pytest plugin


class ChannelPlugin:
    """Reports each test on the channel and checks the snapshot after it."""

    def __init__(self, channel: Channel, watch: guard_hooks.Watch | None = None) -> None:
        self.channel = channel
        self._watch = watch
        self._check = Integrity.changes  # bound now: a replaced Integrity.changes is seen, not called
        self.integrity: Integrity | None = None
        self.record: dict[str, Any] | None = None
        self.final_changes: list[str] = []
        self._exit = os._exit
        self._exercise: str | None = None
        self._threads = os_threads  # bound now, like _check
        self._threads_at_start = 0  # threads of this process as the current test began
        self._early: list[str] = []  # what the integrity check found replaced as the test body began

    def _identity(self, item: Any) -> TestId:
        module = getattr(getattr(item, "module", None), "STUDENT_MODULE", "")
        return TestId(str(module), item.name)

    def pytest_collection_finish(self, session: Any) -> None:
        hidden = tuple(_hide_suites(session.items))
        watch = self._watch
        if watch is None:
            self.integrity = Integrity(session.config, hidden=hidden)
        elif watch.student_code_loaded():
            self.integrity = Integrity(session.config, watch.guard_functions(), hidden)
        else:
            # no student code has run yet (the suites import the student's module inside their tests),
            # so the snapshot's thousands of __code__ reads need no decision of the audit hook's
            self.integrity = watch.quietly(lambda: Integrity(session.config, watch.guard_functions(), hidden))
        if hasattr(gc, "freeze"):
            # what exists now (pytest's collection, the suites, this snapshot's thousands of entries) lives
            # as long as the child: the collections that follow each schedule of each race check need not
            # walk it again every time
            gc.freeze()
        self.channel.send(Collected(tuple(self._identity(i) for i in session.items)))

    def pytest_sessionfinish(self, session: Any) -> None:
        # checked here, before pytest's own clean-up puts back what its plugins had patched
        self.final_changes = self._changes()[0]

    def _changes(self) -> tuple[list[str], bool]:
        """What went wrong during the last test, and whether this process can still be trusted.

        A missing or replaced integrity checker is itself tampering, never "nothing changed";
        requests the guard refused changed nothing, so the next tests can run in this process.
        """
        if type(self.integrity) is not Integrity:
            return ["the grader's integrity checker"], False
        watch = self._watch
        changed = self._check(self.integrity, watch.quietly if watch is not None else None,
                              watch.rewrites if watch is not None else None)
        changed += [label for label in self._early if label not in changed]
        refused: list[str] = []
        if self._watch is not None:
            shadows = self._watch.shadowed()
            changed += shadows
            if not self._watch.linecache_intact():
                changed.append("linecache.updatecache")
            refused = self._watch.refused()
        return changed + refused, not changed

    def pytest_runtest_protocol(self, item: Any, nextitem: Any) -> None:
        if os.getpid() != self.channel.pid:
            self._exit(0)  # a forked copy of this process got back into pytest's loop
        identity = self._identity(item)
        if self._exercise is not None and identity.module != self._exercise:
            # what one exercise's tests left (processes, memory) must not starve the next exercise's:
            # when it cannot be cleared here, this child ends between two tests and the grader runs
            # the remaining tests in a fresh one
            if not clear_strays() or worn_out():
                self._exit(0)
        self._exercise = identity.module
        self.record = None
        self._early = []
        self._threads_at_start = self._threads()
        if self._watch is not None:
            self._watch.forget()
            guard_hooks.unlink_config()
        self.channel.send(Begin(identity.module, identity.test))

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item: Any, call: Any) -> None:
        if os.getpid() != self.channel.pid:
            self._exit(0)  # a forked copy (a fork bomb's) whose test phase ended: it has nothing to say

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_call(self, item: Any) -> None:
        identity = self._identity(item)
        self.channel.send(Call(identity.module, identity.test))
        # The test body is about to run: what student code did while it was imported (the setup) is
        # done. Something of the grader's replaced now and put back before the test ends would pass
        # the check after it, so the check runs here too. (A thread the import left running, which
        # could do the same while the body runs, fails the import: see load_student_module.)
        if type(self.integrity) is Integrity:
            watch = self._watch
            self._early = self._check(self.integrity, watch.quietly if watch is not None else None,
                                      watch.rewrites if watch is not None else None)

    def pytest_runtest_logreport(self, report: Any) -> None:
        for key, value in getattr(report, "user_properties", []):
            if key == "autograder_result" and isinstance(value, dict):
                self.record = value

    def pytest_runtest_logfinish(self, nodeid: str, location: Any) -> None:
        if os.getpid() != self.channel.pid:
            self._exit(0)
        changed, trusted = self._changes()
        if self._watch is not None:
            self._watch.forget()
        record = dict(self.record) if self.record is not None else None
        self.channel.send(Result(record, tuple(changed[:8])))
        if not trusted:
            self._exit(TAMPERED_EXIT)  # nothing this process says from now on can be trusted
        self.record = None
        if self._threads() > self._threads_at_start and not settles_to(self._threads_at_start):
            # a thread this test started outside the engine (or one the engine could not stop) is still
            # running: the next test runs in a fresh process, where no such thread can act during it
            self._exit(0)


# --------------------------------------------------------------------------------- the sandbox


def _group_members(group: int) -> list[int]:
    """The processes of process group ``group`` (zombies included), from /proc."""
    members = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return members
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 2 and int(fields[2]) == group:
            members.append(int(entry))
    return members


def clear_strays(rounds: int = 200) -> bool:
    """Kill every other process of this process group and reap this process's dead children; whether none is left.

    Between two exercises nothing an earlier test started is needed (every test imports the
    student's module afresh), but a fork bomb's copies, or their unreaped exit statuses, would still
    count against the process limit of the tests that follow. Processes that left the group are
    beyond this; the grader kills them with the child's cgroup (or user) at the end.
    """
    if not hasattr(os, "getpgrp") or not os.path.isdir("/proc"):
        return True  # no way to list a process group here (Windows, macOS): the grader kills it at the end
    me, group = os.getpid(), os.getpgrp()
    for _ in range(rounds):
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
        strays = [pid for pid in _group_members(group) if pid != me]
        if not strays:
            return True
        for pid in strays:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.005)
    return False


def worn_out() -> bool:
    """Whether this process still maps more than half its address-space limit (a memory bomb's blocks,
    still referenced from the failure they caused), so the next tests might not even start a thread."""
    if resource is None:
        return False
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return False
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024 > soft // 2
    except (OSError, ValueError, IndexError):
        pass
    return False


def apply_limits(limits: dict[str, int], *, best_effort: bool = False) -> None:
    """Set each resource limit (soft and hard) that is given; keep the lower of old and new.

    ``best_effort`` (the portable runner): skip a limit this system does not have or refuses.
    """
    if resource is None:
        return
    names = {
        "cpu": resource.RLIMIT_CPU, "as": resource.RLIMIT_AS, "nproc": resource.RLIMIT_NPROC,
        "fsize": resource.RLIMIT_FSIZE, "nofile": resource.RLIMIT_NOFILE, "core": resource.RLIMIT_CORE,
    }
    for name, value in limits.items():
        which = names.get(name)
        if which is None or value is None:
            continue
        try:
            soft, hard = resource.getrlimit(which)
            new = value if hard == resource.RLIM_INFINITY else min(value, hard)
            if which == resource.RLIMIT_CPU:
                resource.setrlimit(which, (new, new + 2))  # SIGXCPU first, SIGKILL two seconds later
            else:
                resource.setrlimit(which, (new, new))
        except (ValueError, OSError):
            if not best_effort:
                raise


def drop_privileges(uid: int | None, gid: int | None) -> None:
    if uid is None or not hasattr(os, "getuid") or os.getuid() != 0:
        return
    os.setgroups([])
    os.setgid(gid if gid is not None else uid)
    os.setuid(uid)
    if os.getuid() != uid or os.geteuid() != uid:
        raise SystemExit("could not drop privileges")


def die_with_parent() -> None:
    """Ask Linux to kill this process when the grader dies (PR_SET_PDEATHSIG)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)
    except Exception:  # noqa: BLE001 - best effort on systems without prctl
        pass


def _private_view(config: dict[str, Any]) -> bool:
    """Whether this child, as root, enters private namespaces (and so may mount what only it sees)."""
    return bool(config.get("isolate")) and config.get("uid") is not None and hasattr(os, "getuid") \
        and os.getuid() == 0


def isolate(config: dict[str, Any]) -> None:
    """As root, about to become the sandbox user: private namespaces and a view that user can run in."""
    if not _private_view(config):
        return
    from . import isolation

    view = config["isolate"]
    uid = config["uid"]
    gid = config.get("gid") if config.get("gid") is not None else uid
    protect = list(view.get("protect", [])) + guard_hooks.checkout_folders()
    isolation.isolate(int(uid), int(gid), reach=list(view.get("reach", [])), writable=list(view.get("writable", [])),
                      protect=protect, network=bool(view.get("network", True)))


def seal_suites(config: dict[str, Any]) -> None:
    """As root in the private view, before the change of user: import the suites pytest will collect,
    then cover their files (and their bytecode caches) with empty ones.

    The sandbox user must not read a hidden suite's text: the audit hook refuses an ``open`` in this
    process, but a program it starts (``cat``, another Python) has no hook. pytest later imports the
    same module names and finds them loaded; nothing needs the text afterwards (tracebacks never
    show a hidden suite's lines). Where the child has no private view, file permissions are all.
    """
    if not _private_view(config):
        return
    from pathlib import Path

    from _pytest.pathlib import import_path

    from . import isolation

    suites = sorted({arg.split("::", 1)[0] for arg in config.get("args", []) if "::" in arg})
    if not suites:
        return
    rootdir = Path(os.path.dirname(str(config["cwd"])))
    for suite in suites:
        try:
            import_path(Path(suite), mode="prepend", root=rootdir, consider_namespace_packages=False)
        except TypeError:  # pytest before 8.1 has no consider_namespace_packages (and never considers them)
            import_path(Path(suite), mode="prepend", root=rootdir)
    from .grader import grader_version

    grader_version()  # a digest of the grader's files, suites included: read while they can still be read
    empty = os.path.join(str(rootdir), ".sealed")
    os.close(os.open(empty, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o444))
    flags = isolation.MS_NOSUID | isolation.MS_NODEV
    for suite in suites:
        real = os.path.realpath(suite)
        isolation.mount(empty, real, None, isolation.MS_BIND)
        isolation.mount(None, real, None, isolation.MS_REMOUNT | isolation.MS_BIND | isolation.MS_RDONLY | flags)
        cache = os.path.join(os.path.dirname(real), "__pycache__")
        if os.path.isdir(cache):
            isolation.mount("tmpfs", cache, "tmpfs", isolation.MS_RDONLY | flags | isolation.MS_NOEXEC,
                            "mode=755,size=4k")


SCRATCH_SIZE = "512m"  # the memory file system the child's working folder becomes (see private_scratch)


def private_scratch(config: dict[str, Any]) -> None:
    """As root in the private view: make the working folder (also HOME, TMPDIR and pytest's temporary
    folders) a memory file system of its own, holding a copy of the student's files.

    On the grader's disk it shared the free space with every other child and with OUT: a submission
    that filled it made a correct student's writes fail ("No space left on device"). Now it can fill
    only its own tmpfs, whose pages also count in its memory cgroup. Where the child has no private
    view, the folder stays on the disk.
    """
    if not _private_view(config):
        return
    from . import isolation

    work = str(config["cwd"])
    uid = int(config["uid"])
    gid = int(config["gid"]) if config.get("gid") is not None else uid
    kept: dict[str, tuple[bytes, int]] = {}
    for entry in os.scandir(work):
        if entry.is_file(follow_symlinks=False):  # the parent copied regular files only
            with open(entry.path, "rb") as handle:
                kept[entry.name] = (handle.read(), entry.stat(follow_symlinks=False).st_mode & 0o777)
    isolation.mount("tmpfs", work, "tmpfs", isolation.MS_NOSUID | isolation.MS_NODEV,
                    f"mode=700,uid={uid},gid={gid},size={SCRATCH_SIZE}")
    try:
        os.chdir(work)  # the folder now under the mount
        for name, (data, mode) in kept.items():
            fd = os.open(os.path.join(work, name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
            try:
                os.write(fd, data)
            finally:
                os.close(fd)
            os.chown(os.path.join(work, name), uid, gid)
    except OSError as exc:
        # the student's files would be missing: that is the grader's failure, never a student's zero
        raise RuntimeError(f"the working folder could not be filled again: {exc}") from exc


def probe() -> None:
    """What the grader's probe asks: can this user run the child's imports and write its folder?"""
    import decimal  # noqa: F401 - not loaded yet: the standard library is reachable

    import _pytest
    from faker import Faker  # noqa: F401

    import autograder.race  # noqa: F401
    import autograder.testing.plugin  # noqa: F401

    for package in (pytest, _pytest):  # imported as root: their folders must be readable now
        os.listdir(os.path.dirname(package.__file__))

    with open("probe.txt", "w", encoding="utf-8") as handle:
        handle.write("ok\n")
    import socket

    facts = {"uid": os.getuid(), "gid": os.getgid(), "groups": os.getgroups(), "euid": os.geteuid(),
             "interfaces": sorted(name for _, name in socket.if_nameindex())}
    print(json.dumps(facts), flush=True)


def pin_to_cpu(cpu: Any) -> None:
    """Keep this child, and every thread and process it starts, on the CPU its grader worker was
    given (see ``grader.worker_cpus``): the race engine hands control between its threads thousands
    of times per test, which on one CPU is a plain context switch and across CPUs a migration, and
    two children the kernel happened to start on one CPU would share it while the other idled.
    Without sched_setaffinity (not Linux), or given a CPU this process may not use: nothing."""
    if not isinstance(cpu, int) or isinstance(cpu, bool) or not hasattr(os, "sched_setaffinity"):
        return
    try:
        if cpu in os.sched_getaffinity(0):
            os.sched_setaffinity(0, {cpu})
    except OSError:
        pass


def main() -> None:
    raw = sys.stdin.buffer.readline()
    config = json.loads(raw)
    del raw
    key = bytes.fromhex(config.pop("key"))
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    portable = config.get("channel") == "stdout"
    if portable:
        # the portable runner's channel is this process's standard output: keep it on a descriptor of
        # its own (not inherited by processes the student starts) and send prints to the log instead
        channel_fd = os.dup(1)
        os.dup2(2, 1)
    else:
        channel_fd = int(config["fd"])
    pin_to_cpu(config.get("cpu"))
    isolate(config)
    os.chdir(config["cwd"])
    for protect in (seal_suites, private_scratch):
        try:
            protect(config)
        except OSError as exc:  # a kernel that refuses one of these mounts: grade without that protection
            print(f"autograder: {protect.__name__} was not applied: {exc}", file=sys.stderr)
    apply_limits(config.get("limits", {}), best_effort=portable)
    drop_privileges(config.get("uid"), config.get("gid"))
    die_with_parent()
    if config.get("probe"):
        probe()
        sys.stdout.flush()
        os._exit(0)
    channel = Channel(channel_fd, key)
    del key
    import autograder.race  # noqa: F401 - loaded before student code so that it is in the snapshot
    from autograder.race.scope import warm_default_verdicts

    warm_default_verdicts()  # which folders are libraries', decided before student code runs
    import _pytest.runner

    import autograder.testing.plugin  # noqa: F401

    # pytest names the running test in the environment (PYTEST_CURRENT_TEST): code that took its lock only
    # when that is set would pass here and race everywhere else
    _pytest.runner._update_current_test_var = lambda item, when: None
    watch = guard_hooks.prepare(config)  # the audit hook: before any student code runs
    channel.send(Hello(PROTOCOL, os.getuid() if hasattr(os, "getuid") else -1, os.getpid()))
    plugin = ChannelPlugin(channel, watch)
    exit_code = -1
    try:
        exit_code = int(pytest.main(list(config["args"]), plugins=[plugin]))
    finally:
        channel.send(End(exit_code, tuple(plugin.final_changes[:8])))
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


if __name__ == "__main__":
    # run the real module's main(), not this __main__ copy's: the objects that decide verdicts then
    # live in autograder.grading.child, inside the integrity snapshot
    from autograder.grading import child as _entry

    _entry.main()
