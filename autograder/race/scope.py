"""Which code the engine interleaves, and where inside it a thread switch can matter.

By default every code object whose file lies outside the standard library, site-packages and the
``autograder`` package is *in scope*: the engine may switch threads between its bytecode
instructions. Code out of scope runs atomically between two preemption points, exactly as C code
does under the GIL.

Pure-Python standard-library code is interleaved too, but only while it runs *on behalf of* code in
scope: a library frame is preemptible when the nearest frame below it that is not library code is
in scope (``Scope.on_behalf``). Real threads switch inside ``Counter.update`` or
``MutableMapping.setdefault`` as readily as inside the student's own code, so a shared ``Counter``
updated without a lock must lose updates under the engine as it does for real. The same library
function called by the grader or the engine stays atomic, so it costs no steps. A few parts of the
library are never interleaved (``_EXCLUDED``, each with its reason).
"""

from __future__ import annotations

import dis
import os
import site
import sys
import sysconfig
import types
from collections.abc import Callable, Iterable
from types import CodeType, FrameType
from typing import Any

# Instructions that touch only the frame's own stack and locals. Another thread cannot observe
# them, so a switch just before one of them is equivalent to a switch at the next instruction that
# can be observed; the engine makes no decision there (but still counts the step).
_LOCAL_OPS = frozenset(
    """
    NOP RESUME CACHE EXTENDED_ARG POP_TOP PUSH_NULL LOAD_CONST LOAD_SMALL_INT RETURN_CONST
    LOAD_FAST LOAD_FAST_CHECK LOAD_FAST_AND_CLEAR LOAD_FAST_LOAD_FAST LOAD_FAST_BORROW
    LOAD_FAST_BORROW_LOAD_FAST_BORROW STORE_FAST STORE_FAST_LOAD_FAST STORE_FAST_STORE_FAST
    STORE_FAST_MAYBE_NULL DELETE_FAST COPY SWAP DUP_TOP DUP_TOP_TWO ROT_TWO ROT_THREE ROT_FOUR ROT_N
    JUMP_FORWARD JUMP_BACKWARD JUMP_BACKWARD_NO_INTERRUPT JUMP_ABSOLUTE JUMP JUMP_NO_INTERRUPT
    NOT_TAKEN KW_NAMES PRECALL MAKE_CELL COPY_FREE_VARS LOAD_CLOSURE GEN_START RETURN_GENERATOR
    POP_EXCEPT PUSH_EXC_INFO
    """.split()
)

def _is_method_load(ins: dis.Instruction) -> bool:
    """``obj.method`` about to be called: a lookup on the type, which other threads do not change."""
    if ins.opname == "LOAD_METHOD":
        return True
    return ins.opname == "LOAD_ATTR" and sys.version_info >= (3, 12) and bool((ins.arg or 0) & 1)


_ENGINE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the autograder package


def _library_dirs() -> list[str]:
    dirs: set[str] = set()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_paths().get(key)
        if path:
            dirs.add(os.path.realpath(path))
    try:
        dirs.update(os.path.realpath(p) for p in site.getsitepackages())
    except AttributeError:  # some virtualenv versions
        pass
    user = getattr(site, "USER_SITE", None)
    if user:
        dirs.add(os.path.realpath(user))
    dirs.add(os.path.realpath(_ENGINE_DIR))
    return sorted(dirs)


class Scope:
    """Decides, per code object, whether the engine interleaves it (cached)."""

    def __init__(self, predicate: Callable[[str], bool] | None = None, *, library: bool = True) -> None:
        self._predicate = predicate or default_predicate
        self._library = library
        self._by_file: dict[str, bool] = {}
        # keyed by id(code), not by the code object: hashing one hashes its bytecode and constants
        # at every lookup. ``_keep`` holds every code object asked about, so no id is reused meanwhile
        self._by_code: dict[int, bool] = {}
        self._lib_code: dict[int, bool] = {}
        self._visible: dict[int, bytes] = {}
        self._keep: list[CodeType] = []

    @property
    def default(self) -> bool:
        """Whether this scope decides by :func:`default_predicate` (so a file's answer never changes)."""
        return self._predicate is default_predicate

    def library(self, code: CodeType) -> bool:
        """Standard-library code that is interleaved when it runs on behalf of code in scope."""
        known = self._lib_code.get(id(code))
        if known is None:
            known = self._lib_code[id(code)] = (
                self._library and not self(code) and library_file(code.co_filename)
            )
            if may_keep(code):
                self._keep.append(code)
        return known

    def on_behalf(self, frame: Any) -> bool:
        """Does ``frame`` (the caller of a library frame) run for code in scope?

        Walks down through library frames to the first other frame: in scope means yes; the
        grader, the engine, site-packages or an excluded module mean no.
        """
        while frame is not None:
            code = frame.f_code
            if self(code):
                return True
            if not self.library(code):
                return False
            frame = frame.f_back
        return False

    def file(self, filename: str) -> bool:
        if self._predicate is default_predicate:
            # its memo lives in a closure: an answer kept here, in a dict that student code could reach
            # through the engine, could be rewritten to take the student's file out of scope
            return default_predicate(filename)
        known = self._by_file.get(filename)
        if known is None:
            known = self._by_file[filename] = bool(self._predicate(filename))
        return known

    def __call__(self, code: CodeType) -> bool:
        known = self._by_code.get(id(code))
        if not known:  # only "in scope" is kept: a kept "no" could be planted for the student's own code
            known = self.file(code.co_filename) or (self.default and claimed_code(code))
            if known and may_keep(code):
                self._by_code[id(code)] = True
                self._keep.append(code)
        return known

    def visible(self, code: CodeType) -> bytes:
        """A map, indexed by ``offset // 2``, of the instructions where a switch can matter."""
        table = self._visible.get(id(code))
        if table is None:
            marks = bytearray(len(code.co_code) // 2 + 1)
            for ins in dis.get_instructions(code):
                if ins.opname in _LOCAL_OPS or _is_method_load(ins):
                    continue
                marks[ins.offset // 2] = 1
            table = self._visible[id(code)] = bytes(marks)
            if may_keep(code):
                self._keep.append(code)
        return table


# Standard-library modules (and packages, with everything under them) that are never interleaved.
_EXCLUDED: dict[str, str] = {
    # the engine models these itself: each operation of a primitive is one atomic step of the
    # model, and their internals run on the models (a switch inside would model nothing real)
    "threading": "modelled by the engine (locks, conditions, threads, timers, barriers, events)",
    "_threading_local": "threading.local's pure-Python twin, built on the modelled RLock",
    "queue": "modelled by the engine on top of its Condition and Lock models",
    "concurrent.futures": "executors and futures run on the modelled primitives and threads",
    "asyncio": "its event loop blocks in selectors (real I/O) and keeps its own thread-safety",
    "multiprocessing": "process pools, pipes and OS-level semaphores: real I/O the engine cannot model",
    # they hold real locks, created when they were imported, around Python code: a switch while
    # one is held would make another scenario thread wait for it in real time
    "importlib": "the import lock is a real lock (and importing is not the student's code)",
    "zipimport": "part of the import system (the import lock)",
    "pkgutil": "part of the import system (the import lock)",
    "logging": "module and handler locks are real RLocks created when logging is imported",
    "functools": "cached_property (up to 3.11) holds a real RLock made at class creation",
    "_strptime": "its cache lock is a real lock created at import (time.strptime, datetime)",
    "tempfile": "its name-generator lock is a real lock created at import",
    "unittest": "mock keeps a real class-level RLock; test runners are the grader's",
    "subprocess": "real processes and pipes",
    "selectors": "real I/O",
    "socket": "real I/O",
    "socketserver": "real I/O and its own threads",
    "ssl": "real I/O",
    "http": "real I/O",
    "urllib": "real I/O",
    "_pyio": "real I/O with its own locks",
    # the grader's and the engine's own machinery, reached only by their code: interleaving them
    # would cost steps and find nothing
    "dis": "the engine's reports", "linecache": "the engine's reports", "traceback": "reports",
    "inspect": "reports", "tokenize": "reports", "ast": "reports", "reprlib": "reports",
    "pdb": "debugger", "bdb": "debugger", "trace": "tracing", "cProfile": "profiling",
    "profile": "profiling", "doctest": "a test runner", "pydoc": "documentation",
    "site": "start-up", "sysconfig": "start-up", "_sitebuiltins": "start-up",
    "warnings": "warning filters are process-wide grader state",
    "codecs": "text encoding called from C I/O", "encodings": "text encoding called from C I/O",
    # pure functions of their arguments that the engine and the grader call all the time: on 3.12+
    # every instruction of an instrumented library function costs a callback, whoever calls it
    "re": "compiling a pattern touches no state the caller shares (and the engine's reports use it)",
    "sre_compile": "part of re", "sre_parse": "part of re", "sre_constants": "part of re",
    "posixpath": "path arithmetic on strings (the engine resolves paths at every lock it names)",
    "ntpath": "path arithmetic on strings", "genericpath": "path arithmetic on strings",
}

_EXCLUDED_NAMES = types.MappingProxyType(dict(_EXCLUDED))  # what the decisions read: nobody can add to it
_STDLIB_DIR = os.path.realpath(os.path.dirname(os.__file__))


def _library_verdicts() -> Callable[[str], bool]:
    verdicts: dict[str, bool] = {}  # filename -> is interleavable standard-library code (in a closure:
    # code under test that reaches this module cannot rewrite an answer)

    def library_file(filename: str) -> bool:
        """Is ``filename`` pure-Python standard library that may be interleaved on behalf of user code?"""
        known = verdicts.get(filename)
        if known is None:
            known = verdicts[filename] = _library_file(filename)
        return known

    return library_file


library_file = _library_verdicts()


def _library_file(filename: str) -> bool:
    if filename.startswith("<frozen ") and filename.endswith(">"):
        # modules frozen into the interpreter (_collections_abc, os, posixpath, importlib...)
        return _module_allowed(filename[len("<frozen "):-1].split("."))
    if filename.startswith("<"):
        return False
    path = os.path.realpath(filename)
    if not path.startswith(_STDLIB_DIR + os.sep):
        return False
    rel = path[len(_STDLIB_DIR) + 1:]
    parts = rel.split(os.sep)
    if parts[0] in ("site-packages", "dist-packages", "lib-dynload", "test", "idlelib"):
        return False
    if path.startswith(_ENGINE_DIR + os.sep) or not rel.endswith(".py"):
        return False
    parts[-1] = parts[-1][:-3]
    if parts[-1] == "__init__":
        parts.pop()
    return _module_allowed(parts)


def _module_allowed(parts: list[str], _excluded: Any = _EXCLUDED_NAMES) -> bool:
    for i in range(1, len(parts) + 1):
        if ".".join(parts[:i]) in _excluded:
            return False
    return True


_DEFAULT_DIRS: tuple[str, ...] | None = None
_TEMP_DIRS: tuple[str, ...] | None = None
_USER_PSEUDO_FILES = ("<doctest", "<ipython-input", "<stdin>", "<console")


def _defaults() -> tuple[Callable[[str], bool], Callable[[], None], Callable[..., None], Callable[[CodeType], bool],
                         Callable[[CodeType], bool]]:
    """The default predicate, with its memo and what the grader told it of the student's code.

    All of it lives in this closure, not in module globals, so that code under test that reaches this
    module cannot rewrite a verdict (the functions themselves are in the grader's integrity snapshot)."""
    verdicts: dict[str, bool] = {}  # filename -> _default_predicate(filename), for the process
    student: dict[str, Any] = {"roots": (), "secrets": frozenset(), "secret_names": frozenset()}
    kept: dict[str, bool] = {}  # co_filename -> whether the engine may hold its code objects
    claimed: dict[int, CodeType] = {}  # id -> code object the student's own exec() ran (kept: no id reuse)

    def default_predicate(filename: str) -> bool:
        """True for the student's and the test author's code; False for libraries and the grader."""
        # the student's own files come first: no rule about names (a helper called hidden_tests.py)
        # and no memo can take them out of the interleaving
        if filename.startswith(student["roots"]):
            return True
        known = verdicts.get(filename)
        if known is None:
            # every explore() makes a new Scope, and each one asks about every loaded module: without
            # this memo each call spent ~20 ms in os.path.realpath
            known = verdicts[filename] = _default_predicate(filename, student["roots"], student["secrets"])
        return known

    def warm_default_verdicts() -> None:
        """Decide :func:`default_predicate` now for every module loaded so far (a pre-importing parent
        calls this, so that the processes it forks share the answers)."""
        _decide_dirs()
        for module in list(sys.modules.values()):
            filename = getattr(module, "__file__", None)
            if isinstance(filename, str):
                default_predicate(filename)

    def claim_student_code(*, roots: Iterable[str] = (), code: CodeType | None = None,
                           secrets: Iterable[str] = ()) -> None:
        """What the grader's guard knows to be the student's: the folders of the submission (as given
        and as real paths), and each code object student code ran through exec() or eval() (source run
        that way is "<string>", as is the code dataclasses and namedtuple generate): both are always in
        scope, with every function defined inside. Called before any student code runs, and by the
        guard at each such exec."""
        secrets = [str(f) for f in secrets]
        if secrets:
            # files whose code the engine must not hold in its caches, where code under test could read
            # its constants (a hidden suite): their modules live as long as the process, so an id of
            # theirs is never reused and needs no reference to pin it
            given = set(secrets) | {os.path.realpath(f) for f in secrets}
            student["secrets"] = student["secrets"] | given
            student["secret_names"] = student["secret_names"] | {os.path.basename(f) for f in given}
            kept.clear()
            for name in given:  # decided before it was known to be secret (a suite in a temporary folder)
                verdicts.pop(name, None)
        if roots:
            given = {str(r).rstrip(os.sep) + os.sep for r in roots}
            given |= {os.path.realpath(r).rstrip(os.sep) + os.sep for r in roots}
            student["roots"] = tuple(sorted(set(student["roots"]) | given))
        pending = [code] if isinstance(code, CodeType) else []
        while pending:
            one = pending.pop()
            if id(one) not in claimed:
                claimed[id(one)] = one
                pending.extend(c for c in one.co_consts if isinstance(c, CodeType))

    def claimed_code(code: CodeType) -> bool:
        return claimed.get(id(code)) is code

    def may_keep(code: CodeType) -> bool:
        """Whether the engine's caches may hold ``code`` (not when it is a hidden suite's)."""
        filename = code.co_filename
        known = kept.get(filename)
        if known is None:
            known = kept[filename] = not (os.path.basename(filename) in student["secret_names"] and (
                filename in student["secrets"] or os.path.realpath(filename) in student["secrets"]))
        return known

    return default_predicate, warm_default_verdicts, claim_student_code, claimed_code, may_keep


default_predicate, warm_default_verdicts, claim_student_code, claimed_code, may_keep = _defaults()


def _writable_temp_dirs() -> tuple[str, ...]:
    """Folders anyone may write to (a sandboxed child has private ones): code found there is never a
    library's or the grader's, whatever its path says (a folder called site-packages, a file called
    hidden_tests.py)."""
    import tempfile

    dirs = {os.path.realpath(d) for d in (tempfile.gettempdir(), "/tmp", "/var/tmp", "/dev/shm") if os.path.isdir(d)}
    return tuple(sorted(d.rstrip(os.sep) + os.sep for d in dirs))


def _decide_dirs() -> None:
    """The library folders and the writable temporary ones, decided once (before student code runs: a
    pre-importing parent decides them in warm_default_verdicts; the grader's integrity check then sees
    either rebound)."""
    global _DEFAULT_DIRS, _TEMP_DIRS
    if _DEFAULT_DIRS is None:
        _DEFAULT_DIRS = tuple(_library_dirs())
    if _TEMP_DIRS is None:
        _TEMP_DIRS = _writable_temp_dirs()


def _default_predicate(filename: str, student_roots: tuple[str, ...] = (),
                       secrets: frozenset[str] = frozenset()) -> bool:
    if filename.startswith("<"):
        # "<string>" is code generated by the standard library (dataclasses, namedtuple) as well as
        # exec'd source (string code run while student code is on the stack is claimed, see
        # claim_student_code); doctests, IPython cells and stdin are the student's.
        return filename.startswith(_USER_PSEUDO_FILES)
    path = os.path.realpath(filename)
    if student_roots and (path + os.sep).startswith(student_roots):
        return True
    if filename in secrets or path in secrets:
        return False  # a hidden suite the grader named: its lines never go into a student's interleaving
    _decide_dirs()
    for base in _DEFAULT_DIRS:  # type: ignore[union-attr]
        if path == base or path.startswith(base + os.sep):
            return False
    if path.startswith(_TEMP_DIRS):  # type: ignore[arg-type]
        return True
    if os.path.basename(filename) == "hidden_tests.py":
        # a hidden suite kept outside the package (an instructor's course folder) is the grader's code
        # too: its lines never go into a student's interleaving
        return False
    parts = path.split(os.sep)
    return "site-packages" not in parts and "dist-packages" not in parts


def make_scope(scope: Callable[[str], bool] | Iterable[str] | None) -> Scope:
    """Turn explore's ``scope`` argument into a :class:`Scope`.

    ``None`` is the default; a callable takes a filename and says yes or no; an iterable of paths
    puts exactly the code in those files and folders in scope.
    """
    if scope is None or callable(scope):
        return Scope(scope)  # type: ignore[arg-type]
    roots = [os.path.realpath(os.fspath(p)) for p in scope]

    def inside(filename: str) -> bool:
        path = os.path.realpath(filename)
        return any(path == r or path.startswith(r + os.sep) for r in roots)

    return Scope(inside)


def frame_line(frame: FrameType) -> int:
    """The line a frame is at. Some instructions have no line of their own (the jump back at the end
    of an ``except`` clause), and there ``f_lineno`` is None: take the last line before it."""
    if frame.f_lineno:
        return frame.f_lineno
    code, last, line = frame.f_code, frame.f_lasti, frame.f_code.co_firstlineno
    for start, _end, lineno in code.co_lines():
        if start > last:
            break
        if lineno:
            line = lineno
    return line
