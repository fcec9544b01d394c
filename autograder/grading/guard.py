"""The child's guard: an audit hook (PEP 578) that refuses student code's reach into the grader.

:func:`install` is called in the child before any student code runs. The hook it adds cannot be
removed; for each audit event it decides from the innermost Python frames whether the request comes
from student code (a file in the submission's folder, or code the student compiled) and, if so,
refuses it (raises :class:`Refused`) and records it in plain words. What it refuses:

* walks over the grader's objects and frames: ``gc.get_objects/get_referrers/get_referents``,
  ``sys._current_frames``, ``sys._getframe`` called by student code itself or through ``inspect``,
  ``traceback.walk_stack/walk_tb``, ``bdb``; ``tb_frame``, ``gi_frame``, ``cr_frame``, ``ag_frame``
  read by student code (``traceback.format_exc()`` and friends keep working: the frames stay inside
  the standard library);
* changing functions that are not the student's own (``__code__``, ``__defaults__``,
  ``__kwdefaults__``, ``__bases__``), reading their ``__code__``, making code objects
  (``code.__new__``, ``code.replace``, ``marshal.loads``), compiling code under a file name outside
  the submission (it would pass for the grader's);
* switching tracing or monitoring (``sys.settrace``, ``sys.setprofile``, ``threading.settrace``,
  ``sys.monitoring.register_callback``), adding audit hooks, ctypes;
* opening the hidden suites, the reference solutions, the repository checkout or ``/proc/*/mem``.

The standard library's own use of these (namedtuple, enum, typing, logging, warnings, dataclasses,
multiprocessing's ctypes) is never refused: only requests whose first frame outside the helper
modules (inspect, traceback's walkers, bdb/pdb, ctypes) is student code are.

``frame.f_code`` is not watched: it fires an event on every opcode the engine traces, and a frame
can no longer be obtained by student code in the first place.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

FRAME_ATTRS = frozenset({"tb_frame", "gi_frame", "cr_frame", "ag_frame"})
CODE_ATTRS = frozenset({"__code__", "gi_code", "cr_code", "ag_code"})
WATCHED_READS = FRAME_ATTRS | CODE_ATTRS
FUNCTION_CODE_ATTRS = frozenset({"__code__", "__defaults__", "__kwdefaults__"})
MAX_REWRITES = 10_000  # more written functions than this between two tests: the walk reads them all
SET_ATTRS = frozenset({"__code__", "__defaults__", "__kwdefaults__", "__bases__", "__class__"})
CTYPES_EVENTS = frozenset({
    "ctypes.dlopen", "ctypes.dlsym", "ctypes.dlsym/handle", "ctypes.string_at", "ctypes.wstring_at",
    "ctypes.addressof", "ctypes.cdata", "ctypes.cdata/buffer", "ctypes.PyObj_FromPtr", "ctypes.call_function",
    "ctypes.get_errno", "ctypes.set_errno", "ctypes.seh_exception",
})
WATCHED = frozenset({
    "object.__getattr__", "object.__setattr__", "sys._getframe", "sys._getframemodulename",
    "sys._current_frames", "gc.get_objects", "gc.get_referrers", "gc.get_referents", "sys.settrace",
    "sys.setprofile", "sys.monitoring.register_callback", "sys.addaudithook", "code.__new__", "marshal.loads",
    "function.__new__", "compile", "exec", "open", "os.symlink", "os.link", "cpython.PyInterpreterState_Clear",
    "sys._current_exceptions",
}) | CTYPES_EVENTS
# what no standard-library code asks for on anyone's behalf: asked for by anything but the grader's own
# code while a frame of the student's is on the stack, or in a thread the student started, it is refused
MEMORY_EVENTS = frozenset({"gc.get_objects", "gc.get_referrers", "gc.get_referents", "sys._current_frames",
                           "sys._current_exceptions"})

MONITORING = ("set_events", "set_local_events", "register_callback", "free_tool_id", "use_tool_id",
              "restart_events")

# what each refused request was, in words for a student
WORDS = {
    "sys._getframe": "looked at the grader's call stack (sys._getframe / inspect)",
    "sys._getframemodulename": "looked at the grader's call stack (sys._getframemodulename)",
    "sys._current_frames": "looked at every thread's call stack (sys._current_frames)",
    "gc.get_objects": "searched the grader's memory (gc.get_objects)",
    "gc.get_referrers": "searched the grader's memory (gc.get_referrers)",
    "gc.get_referents": "searched the grader's memory (gc.get_referents)",
    "sys.settrace": "switched tracing (sys.settrace / threading.settrace), which the grader uses to run threads",
    "sys.setprofile": "switched profiling (sys.setprofile), which the grader uses",
    "sys.monitoring.register_callback": "registered a sys.monitoring callback, which the grader uses to run threads",
    "sys.addaudithook": "added an audit hook",
    "code.__new__": "made a code object (types.CodeType / code.replace)",
    "marshal.loads": "loaded code with marshal",
    "function.__new__": "made a function from a code object",
    "sys._current_exceptions": "looked at every thread's exception (sys._current_exceptions)",
}


class Refused(RuntimeError):
    """Raised into student code that asked for something the grader does not allow."""


@dataclass(frozen=True)
class Refusal:
    """One refused request: what it was (plain words) and where the student's code made it."""

    what: str
    where: str

    def text(self) -> str:
        return f"{self.what} ({self.where})" if self.where else self.what


def _real(path: str) -> str:
    try:
        return os.path.realpath(path)
    except (OSError, ValueError):
        return path


def secret_paths(suites: Iterable[str]) -> list[str]:
    """Files and folders student code must not open: the hidden suites, the solutions, a repository checkout."""
    out = {_real(s) for s in suites}
    import autograder

    package = os.path.dirname(_real(autograder.__file__))
    exercises = os.path.join(package, "exercises")
    if os.path.isdir(exercises):
        for name in os.listdir(exercises):
            hidden = os.path.join(exercises, name, "hidden_tests.py")
            if os.path.isfile(hidden):
                out.add(hidden)
    root = os.path.dirname(package)
    if os.path.exists(os.path.join(root, "pyproject.toml")) or os.path.exists(os.path.join(root, ".git")):
        # an editable install: the package lives in a checkout, whose other parts are the instructor's
        for name in (".git", "tests", "solutions", "benchmarks", ".ci"):
            out.add(os.path.join(root, name))
    data = os.path.join(package, "_data", "solutions")
    out.add(data)
    return sorted(out)


def _library_key(filename: str, stdlib_dirs: tuple[str, ...]) -> str:
    """``collections/__init__.py`` or ``enum.py`` for a file of the standard library; "" for any other file."""
    if not filename.startswith(stdlib_dirs):
        return ""
    base = os.path.basename(filename)
    if base == "__init__.py":
        return f"{os.path.basename(os.path.dirname(filename))}/{base}"
    return base


def _frame_users() -> dict[str, tuple[str, ...]]:
    """Standard-library functions (by file) that ask for or read frames for their own use only."""
    return {
        "collections/__init__.py": ("namedtuple",),
        "logging/__init__.py": ("<lambda>", "findCaller", "_is_internal_frame"),
        "dataclasses.py": ("*",),
        "enum.py": ("*",),
        "typing.py": ("*",),
        "warnings.py": ("*",),
        # (not threading.py's Thread.run nor contextlib's exit callbacks: they call what they are given,
        # and a C callable called there, list.extend over map(getattr, ...), reads for whoever gave it)
        # traceback's formatting walks a traceback's frames to turn them into text (format_exc, print_exc,
        # TracebackException); without capture_locals that text holds only files, lines and source
        "traceback.py": ("walk_tb", "extract", "_extract_from_extended_frame_gen", "extract_stack",
                         "format_stack", "print_stack", "_walk_tb_with_full_positions", "__init__",
                         "_extract_caret_anchors_from_line_segment", "format_exception", "print_exception",
                         "format_exc", "print_exc", "_get_code_position", "walk_stack"),
        # (walk_tb and walk_stack only when traceback's own code consumes them, see for_student)
    }


def _captures_locals(frame: Any) -> bool:
    """Whether a traceback.py frame (or one of its callers in traceback.py) turns frames' locals into text."""
    while frame is not None and frame.f_code.co_filename.endswith("traceback.py"):
        if frame.f_locals.get("capture_locals"):
            return True
        frame = frame.f_back
    return False


def install(student_roots: Iterable[str], secrets: Iterable[str]) -> Callable[[], list[Refusal]]:
    """Add the audit hook; returns ``drain()``, which hands over (and forgets) what was refused since its last call.

    ``student_roots``: folders whose files are the student's (the work folder, the scratch root).
    ``secrets``: files and folders (real paths) student code may not open.
    The hook's state lives only in this closure: nothing in a module's globals leads to it.
    """
    import _thread
    import bdb
    import ctypes
    import inspect
    import threading
    import traceback

    roots = tuple(sorted({_real(r).rstrip(os.sep) + os.sep for r in student_roots} |
                         {str(r).rstrip(os.sep) + os.sep for r in student_roots}))
    secret_files = frozenset(s for s in secrets)
    secret_dirs = tuple(s.rstrip(os.sep) + os.sep for s in secrets)
    # a hidden suite's compiled copies (__pycache__/hidden_tests.cpython-311.pyc) are as secret as the suite
    secret_caches = tuple(os.path.join(os.path.dirname(f), "__pycache__",
                                       os.path.splitext(os.path.basename(f))[0] + ".")
                          for f in secret_files if f.endswith(".py"))
    secret_cache_names = tuple(os.path.splitext(os.path.basename(f))[0] + "." for f in secret_files
                               if f.endswith(".py"))  # hidden_tests.cpython-311.pyc, relative to a dir_fd
    helper_files = frozenset(_real(m.__file__) for m in (inspect, bdb) if getattr(m, "__file__", None)) | frozenset(
        m.__file__ for m in (inspect, bdb) if getattr(m, "__file__", None))
    try:
        import pdb

        helper_files |= {pdb.__file__, _real(pdb.__file__)}
    except Exception:  # noqa: BLE001 - pdb is optional here
        pass
    ctypes_dir = os.path.dirname(ctypes.__file__) + os.sep
    traceback_file = traceback.__file__
    import autograder

    grader_dirs = tuple({os.path.dirname(autograder.__file__) + os.sep,
                         _real(os.path.dirname(autograder.__file__)) + os.sep})
    # standard-library code that asks for a frame (sys._getframe) or reads one (tb_frame, gi_frame...)
    # on a student's behalf and hands none of it back: its request is allowed while student code is on
    # the stack; any other non-grader code that does so is refused then (inspect, traceback.walk_stack,
    # logging.currentframe called directly, dis...)
    frame_users = _frame_users()
    import sysconfig

    stdlib_dirs = tuple({path.rstrip(os.sep) + os.sep for key in ("stdlib", "platstdlib")
                         if (path := sysconfig.get_paths().get(key))} |
                        {_real(path).rstrip(os.sep) + os.sep for key in ("stdlib", "platstdlib")
                         if (path := sysconfig.get_paths().get(key))})
    walkers = frozenset({"walk_stack", "walk_tb"})
    threading_file = threading.__file__
    from autograder.race.scope import claim_student_code

    # the race engine interleaves what is the student's, whatever its name says (a helper module called
    # hidden_tests.py; source run through exec() as "<string>")
    claim_student_code(roots=roots, secrets=secret_files)
    compiled: set[str] = set()
    events: list[Refusal] = []
    busy: set[int] = set()
    rewritten: set[int] = set()  # ids of functions whose code or defaults were written (see hook)
    get_ident = _thread.get_ident
    getframe = sys._getframe
    realpath = _real
    maxcount = 200
    # Whose a thread is. Student code can start a thread whose work is all C (a target such as
    # list.extend over islice(iter(gc.get_objects, None), 1)): no frame of the student's is ever on that
    # thread's stack, so deciding by the stack alone would let it read anything. Only the threads that
    # ran before any student code (install runs before the first student import) are the grader's; in
    # any other thread (one a test started, one the student started, one nobody registered), a request
    # made by neither the grader's code nor code it calls for itself is taken as the student's.
    grader_idents = frozenset({get_ident()} | {t.ident for t in threading.enumerate() if t.ident is not None})
    students_thread = object()  # the culprit when no frame of the student's can be named

    def thread_culprit() -> Any:
        """``students_thread`` unless the current thread is one of the grader's own (see above)."""
        return None if get_ident() in grader_idents else students_thread

    def is_student(filename: str) -> bool:
        return filename.startswith(roots) or filename in compiled

    def behind(frame: Any) -> Any:
        """The student frame that made this request (skipping helper modules), or None."""
        while frame is not None:
            code = frame.f_code
            name = code.co_filename
            if is_student(name):
                return frame
            if name in helper_files or name.startswith(ctypes_dir) or (
                    name == traceback_file and code.co_name in walkers):
                frame = frame.f_back
                continue
            return None
        return None

    def is_grader(filename: str) -> bool:
        return filename.startswith(grader_dirs)

    def for_student(frame: Any) -> Any:
        """The student frame on whose behalf ``frame`` asks for frames or code, or None when the request
        is the grader's own, or one a trusted standard-library function makes and keeps to itself."""
        if frame is None:
            return thread_culprit()
        name = frame.f_code.co_filename
        if is_student(name):
            return frame
        if is_grader(name):
            return None
        student = on_stack(frame) or thread_culprit()
        if student is None:
            return None
        allowed = frame_users.get(_library_key(name, stdlib_dirs), ())
        function = frame.f_code.co_name
        if function in allowed or "*" in allowed:
            if name == traceback_file and _captures_locals(frame):
                return student  # the grader's locals, as text: refused
            if function in ("<lambda>", "walk_tb", "walk_stack", "_walk_tb_with_full_positions"):
                # logging.currentframe (a lambda) and traceback's walkers hand frames to their caller:
                # allowed only when that caller is the same module's own code
                caller = frame.f_back
                if caller is None or (caller.f_code.co_filename != name
                                      and not is_grader(caller.f_code.co_filename)):
                    return student
            return None
        return student

    def on_stack(frame: Any) -> Any:
        while frame is not None:
            if is_student(frame.f_code.co_filename):
                return frame
            frame = frame.f_back
        return None

    def refuse(what: str, frame: Any, where: str = "") -> None:
        if frame is students_thread:
            frame, where = None, where or "a thread your code started"
        if not where and frame is not None:
            where = f"{os.path.basename(frame.f_code.co_filename)} line {frame.f_lineno}"
        if len(events) < maxcount:
            events.append(Refusal(what, where))
        raise Refused(f"The grader refused this: your code {what}. Code under test may not reach into the grader.")

    code_secret: dict[str, bool] = {}  # co_filename -> whether its real path is in a secret folder

    def grader_code(obj: Any) -> bool:
        code = getattr(obj, "__code__", None) or getattr(obj, "gi_code", None) or getattr(obj, "cr_code", None)
        filename = getattr(code, "co_filename", "") if code is not None else ""
        if not filename:
            return False
        if is_grader(filename) or filename in secret_files:
            return True
        # the integrity check reads the __code__ of every function it watches after each test, so the
        # answer is kept per file name (resolving symlinks on every read cost most of a child's time)
        secret = code_secret.get(filename)
        if secret is None:
            secret = realpath(filename).startswith(secret_dirs)
            if len(code_secret) < 20_000:
                code_secret[filename] = secret
        return secret

    def own_function(obj: Any) -> bool:
        code = getattr(obj, "__code__", None)
        if code is None:
            module = sys.modules.get(getattr(obj, "__module__", "") or "")
            return is_student(getattr(module, "__file__", "") or "")
        return is_student(getattr(code, "co_filename", ""))

    def is_secret_path(full: str) -> bool:
        return full in secret_files or full.startswith(secret_dirs) or full.startswith(secret_caches) or (
            full.startswith("/proc/") and full.endswith(("/mem", "/environ")))

    def decide(event: str, args: tuple[Any, ...]) -> None:
        try:
            frame = getframe(2)
        except ValueError:  # no Python frame at all: C called by C, in a thread that runs no Python
            frame = None
        if event in MEMORY_EVENTS:
            culprit = behind(frame)
            if culprit is None and (frame is None or not is_grader(frame.f_code.co_filename)):
                # asked for by the standard library or by C: on the student's behalf when the student is
                # on the stack (contextlib calling back, an executor's worker) or owns the thread
                culprit = on_stack(frame) or thread_culprit()
            if culprit is not None:
                refuse(WORDS[event], culprit)
            return
        if event == "object.__getattr__":
            attr = args[1] if len(args) > 1 else ""
            if attr in FRAME_ATTRS:
                culprit = behind(frame) or for_student(frame)
                if culprit is not None:
                    refuse(f"read {attr}, a way into the grader's frames", culprit)
            elif attr in CODE_ATTRS:
                culprit = behind(frame)
                if culprit is None and grader_code(args[0]):
                    culprit = for_student(frame)  # dis, inspect or pickle reading the grader's code for you
                if culprit is not None and not own_function(args[0]):
                    refuse(f"read the {attr} of code that is not yours", culprit)
            return
        if event == "object.__setattr__":
            attr = args[1] if len(args) > 1 else ""
            if attr in SET_ATTRS:
                culprit = behind(frame)
                if culprit is not None and not own_function(args[0]):
                    refuse(f"replaced {attr} of {getattr(args[0], '__qualname__', type(args[0]).__name__)}, "
                           "which is not yours", culprit)
            return
        if event in ("os.symlink", "os.link"):
            # a link made to a secret file could be opened by a name that says nothing (relative to a
            # folder descriptor, where this hook cannot follow it)
            target = args[0] if args else None
            if isinstance(target, bytes):
                target = os.fsdecode(target)
            if isinstance(target, str) and is_secret_path(realpath(target)):
                culprit = on_stack(frame) or thread_culprit()
                if culprit is not None:
                    refuse(f"made a link to {os.path.basename(target)}, a file of the grader's that students may "
                           "not read", culprit)
            return
        if event == "open":
            path = args[0] if args else None
            if isinstance(path, bytes):
                path = os.fsdecode(path)
            if not isinstance(path, str):
                return
            full = realpath(path)
            secret = is_secret_path(full)
            if not secret and not os.path.isabs(path):
                # os.open(name, dir_fd=fd) raises this event with the name alone, relative to a folder it
                # does not say: a relative name that is the end of a secret path is refused as that path
                tail = os.sep + os.path.normpath(path).lstrip(os.sep)
                secret = any(f.endswith(tail) for f in secret_files) or any(
                    d.rstrip(os.sep).endswith(tail)
                    or tail.startswith(os.sep + os.path.basename(d.rstrip(os.sep)) + os.sep)
                    for d in secret_dirs) or os.path.basename(path).startswith(secret_cache_names)
            if secret:
                culprit = on_stack(frame) or thread_culprit()
                if culprit is not None:
                    refuse(f"opened {os.path.basename(full)}, a file of the grader's that students may not read",
                           culprit)
            return
        if event == "exec":
            # code made from a string (no file of its own) that runs while student code is on the stack is
            # the student's: the student's exec() or eval(), an importlib loader of theirs fed a string, the
            # methods dataclasses and namedtuple generate for their classes. The race engine interleaves
            # it, although its "<string>" is also the name of code the standard library makes for the grader
            code = args[0] if args else None
            name = getattr(code, "co_filename", "")
            made_from_string = name.startswith("<") and not name.startswith("<frozen")
            if (name in compiled and not name.startswith("<")) or made_from_string and (
                    on_stack(frame) is not None or thread_culprit() is not None):
                # (a name the student compiled under is the student's wherever it points: a relative
                # "../../usr/lib/python3.11/x" resolves into the standard library, never interleaved)
                claim_student_code(code=code)
            return
        if event == "compile":
            culprit = behind(frame)
            if culprit is None:
                return
            filename = args[1] if len(args) > 1 else ""
            if isinstance(filename, bytes):
                filename = os.fsdecode(filename)
            filename = str(filename)
            if filename.startswith("<") or is_student(filename) or not os.path.isabs(filename):
                compiled.add(filename)
                return
            refuse(f"compiled code under the name of a file that is not yours ({os.path.basename(filename)})", culprit)
        if event in CTYPES_EVENTS:
            culprit = behind(frame)
            if culprit is not None:
                refuse("used ctypes to reach memory or C functions directly", culprit)
            return
        if event in ("sys.settrace", "sys.setprofile"):
            if engine_unwinding():
                # the engine ended this thread's run by raising from its trace function, and CPython then
                # switched tracing off itself, from the student's frame: not the student's doing
                return
            # the engine itself switches tracing with student frames further out (a thread ending)
            culprit = behind(frame)
            if culprit is None and frame is not None and frame.f_code.co_filename == threading_file:
                # a thread starting: threading.settrace()/setprofile() hooks are the student's doing
                hook = getattr(threading, "_trace_hook" if event == "sys.settrace" else "_profile_hook", None)
                if hook is not None and not own_engine(hook):
                    code = getattr(hook, "__code__", None)
                    where = (f"{os.path.basename(code.co_filename)} line {code.co_firstlineno}"
                             if code is not None else "threading.settrace")
                    refuse(WORDS[event], frame, where)
            if culprit is not None:
                refuse(WORDS[event], culprit)
            return
        if event in ("sys._getframe", "sys._getframemodulename"):
            culprit = behind(frame) or for_student(frame)
            if culprit is not None:
                refuse(WORDS[event], culprit)
            return
        culprit = behind(frame)
        if culprit is not None:
            refuse(WORDS.get(event, event), culprit)

    def engine_unwinding() -> bool:
        """Whether the race engine is ending the run this thread belongs to (it raises RunAborted from
        its trace function, after which CPython unsets tracing with an audit event of its own)."""
        primitives = sys.modules.get("autograder.race.primitives")
        engine = getattr(primitives, "ENGINE", None)
        run = getattr(engine, "run", None)
        if run is None:
            return False
        if getattr(run, "aborting", False):
            return True
        me = get_ident()
        for record in getattr(run, "records", ()):
            if getattr(record, "ident", None) == me:
                return bool(getattr(record, "abort_delivered", False))
        return False

    def own_engine(hook: Any) -> bool:
        code = getattr(hook, "__code__", None)
        return code is not None and not is_student(code.co_filename) and "autograder" in code.co_filename

    def hook(event: str, args: tuple[Any, ...], _watched: frozenset[str] = WATCHED,
             _reads: frozenset[str] = WATCHED_READS, _code_attrs: frozenset[str] = FUNCTION_CODE_ATTRS,
             _id: Any = id, _len: Any = len) -> None:
        # the fast path first: the engine reads frame.f_code at every instruction it traces (3.11)
        if event == "object.__getattr__":
            if args[1] not in _reads:
                return
        elif event not in _watched:
            if event == "object.__delattr__" and args[1] in _code_attrs and _len(rewritten) <= MAX_REWRITES:
                rewritten.add(_id(args[0]))  # `del f.__defaults__` (or setting it to None) changes f too
            return
        elif event == "object.__setattr__" and args[1] in _code_attrs:
            # every write of a function's code or defaults is noted, whoever makes it (a thread the test
            # started, a forked copy, code run through quietly()): the integrity walk then re-reads those
            # functions only, instead of thousands of __code__ reads (each an audit event) after every test
            if _len(rewritten) <= MAX_REWRITES:
                rewritten.add(_id(args[0]))
        # (a forked copy of the child is held to the same rules: it shares the grader's objects, and
        # what it could read, a hidden suite or the grader's internals, it could hand to the original)
        me = get_ident()
        if me in busy:
            return
        busy.add(me)
        try:
            decide(event, args)
        finally:
            busy.discard(me)

    def drain() -> list[Refusal]:
        taken = list(events)
        del events[:]
        return taken

    def rewrites() -> frozenset[int] | None:
        """The ids of the functions whose ``__code__``, ``__defaults__`` or ``__kwdefaults__`` were
        written since the last call (None when too many were to keep: then every one must be read)."""
        overflow = len(rewritten) > MAX_REWRITES
        taken = set()
        while rewritten:  # one pop at a time: a write made meanwhile stays for the next call, never lost
            try:
                taken.add(rewritten.pop())
            except KeyError:
                break
        return None if overflow else frozenset(taken)

    def quietly(fn: Callable[[], Any]) -> Any:
        """Run ``fn`` (the grader's own integrity walk, which reads the ``__code__`` of thousands of
        functions after every test and runs no code of anyone else's) without the hook deciding each
        read: this thread counts as busy meanwhile."""
        me = get_ident()
        if me in busy:
            return fn()
        busy.add(me)
        try:
            return fn()
        finally:
            busy.discard(me)

    drain.quietly = quietly  # type: ignore[attr-defined]
    drain.rewrites = rewrites  # type: ignore[attr-defined]

    def guarded(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            culprit = behind(getframe(1))
            if culprit is not None:
                refuse(f"called sys.monitoring.{name}(), which the grader uses to run threads", culprit)
            return original(*args, **kwargs)

        wrapper.__name__ = name
        return wrapper

    def unseen(original: Callable[..., Any], empty: Any) -> Callable[..., Any]:
        """``original`` as the grader sees it; student code is told that nothing is switched on, so it
        cannot behave one way under the engine and another way in real use."""
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if behind(getframe(1)) is not None:
                return empty
            return original(*args, **kwargs)

        wrapper.__name__ = getattr(original, "__name__", "wrapper")
        wrapper.__doc__ = getattr(original, "__doc__", None)
        return wrapper

    sys.gettrace = unseen(sys.gettrace, None)
    sys.getprofile = unseen(sys.getprofile, None)
    if hasattr(threading, "gettrace"):
        threading.gettrace = unseen(threading.gettrace, None)
        threading.getprofile = unseen(threading.getprofile, None)
    monitoring = getattr(sys, "monitoring", None)
    if monitoring is not None:
        for name, empty in (("get_tool", None), ("get_events", 0), ("get_local_events", 0)):
            original = getattr(monitoring, name, None)
            if original is not None:
                setattr(monitoring, name, unseen(original, empty))
        # sys.monitoring raises no audit event but register_callback's: student code that switched the
        # engine's INSTRUCTION events off for its own code would escape it (the engine keeps its own
        # references to the originals, taken when it was imported)
        for name in MONITORING:
            original = getattr(monitoring, name, None)
            if original is not None:
                setattr(monitoring, name, guarded(name, original))
    sys.addaudithook(hook)
    return drain


def student_modules(folder: str) -> frozenset[str]:
    """The module names the student's own files provide (their exercise files and helpers)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return frozenset()
    return frozenset(n[:-3] for n in names if n.endswith(".py"))


def trusted_prefixes() -> tuple[str, ...]:
    """Where the modules the grader may load live: the standard library, site-packages, the grader."""
    import sysconfig

    import autograder

    paths = set(sysconfig.get_paths().values()) | {sys.prefix, sys.base_prefix, sys.exec_prefix}
    paths.add(os.path.dirname(autograder.__file__))
    out = set()
    for path in paths:
        if path:
            out.add(path.rstrip(os.sep) + os.sep)
            out.add(_real(path).rstrip(os.sep) + os.sep)
    return tuple(sorted(out))


_checked: dict[str, bool] = {}
# id(module) -> (module, its __file__ when checked, the answer): after every test each loaded module is
# asked about again, and nearly all of them are the same object with the same file as last time
_checked_modules: dict[int, tuple[Any, str, bool]] = {}


def root_prefixes(roots: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({_real(r).rstrip(os.sep) + os.sep for r in roots}))


def shadowed(roots: Iterable[str], own: frozenset[str], trusted: tuple[str, ...] = (),
             suites: frozenset[str] = frozenset(), prefixes: tuple[str, ...] | None = None) -> list[str]:
    """Modules that stand in for the grader's: loaded from the submission's folders without being the
    student's own files, or loaded from anywhere else outside the standard library, site-packages
    and the grader (a folder the student put on sys.path)."""
    if prefixes is None:
        prefixes = root_prefixes(roots)
    found = []
    for name, module in list(sys.modules.items()):
        filename = getattr(module, "__file__", None)
        if not isinstance(filename, str):
            continue
        if "." not in name and name in own:
            continue
        seen = _checked_modules.get(id(module))
        if seen is not None and seen[0] is module and seen[1] is filename:
            bad = seen[2]
        else:
            key = f"{name}\0{filename}"
            bad = _checked.get(key)
            if bad is None:
                real = _real(filename)
                # a package that encloses a suite (pytest imports the packages around a suite's file) is not a shadow
                encloses = os.path.basename(real) == "__init__.py" and any(
                    s.startswith(os.path.dirname(real) + os.sep) for s in suites)
                bad = real not in suites and not encloses and (
                    real.startswith(prefixes) or bool(trusted) and not real.startswith(trusted))
                _checked[key] = bad
            if len(_checked_modules) > 20_000:  # modules created over and over: start again
                _checked_modules.clear()
            _checked_modules[id(module)] = (module, filename, bad)
        if bad:
            found.append(f"a module named {name!r} was loaded from a folder of yours, in place of the one "
                         "the grader uses")
    return found
