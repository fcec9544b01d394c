"""What a graded notebook calls, inside its kernel: one check of the installed grader on the notebook's code.

The test cells that ``autograder nbgrader init`` writes hold nothing but a call::

    from autograder.integrations.nbgrader import check
    check("counter", "test_<name>")

so nbgrader's feedback, which shows every test cell's source, shows that call and never the hidden
suite. :func:`check` finds the cells that define the exercise's classes and functions, runs their
code afresh as the module ``counter`` for the test (as the command line imports ``counter.py``
afresh for each test), runs the one test through pytest and the course plugin in this process, so
the student's threads run under the race engine from within the kernel, and then prints the
plugin's feedback: the same plain words and interleaving excerpt as ``autograder``'s own reports.
A failed check raises :class:`CheckFailed`, which is what makes nbgrader give the cell no points.

A check that does not finish within its time limit (``AUTOGRADER_CHECK_TIMEOUT`` seconds, default
30) is stopped with a SIGALRM, so a deadlock or an endless loop in code the engine does not control
costs that one cell; the engine itself reports deadlocks and runaway loops in the threads it runs.
The base seed comes from ``AUTOGRADER_SEED`` when it is set, else one random seed per kernel, and
every failure says how to replay it.
"""

from __future__ import annotations

import ast
import atexit
import builtins
import inspect
import linecache
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograder.exercises import Exercise, get
from autograder.race.primitives import created_as_models
from autograder.testing.feedback import Mistake

SEED_ENV = "AUTOGRADER_SEED"
COURSE_ENV = "AUTOGRADER_COURSE"  # a course folder (autograder --course), set by nbgrader_config.py
TIMEOUT_ENV = "AUTOGRADER_CHECK_TIMEOUT"
DEBUG_ENV = "AUTOGRADER_NOTEBOOK_DEBUG"
DEFAULT_TIMEOUT = 30.0
LEAK_GRACE = 0.5  # seconds a thread the check started may take to end before it counts as left running

# names IPython keeps in a notebook's namespace for itself; none of them is the student's code
_SESSION_NAMES = re.compile(r"^(_+|_i+|_i\d+|_\d+|_oh|_ih|_dh|__\w+__|In|Out|get_ipython|exit|quit)$")


class CheckFailed(Exception):
    """A check of the notebook's code failed; the explanation was printed above the error."""


class CheckTimeout(Mistake):
    """The check ran out of time (a hang the engine could not see, such as a deadlock outside it)."""


# ------------------------------------------------------------------------------- the notebook's code


def expected_names(exercise: Exercise) -> list[str]:
    """The classes and functions the exercise asks for, in the order its starter file defines them."""
    path = exercise.starter if exercise.starter.is_file() else exercise.solution
    if path is None or not path.is_file():
        return []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    kinds = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return [node.name for node in tree.body if isinstance(node, kinds)]


def _functions_of(obj: Any) -> Iterator[types.FunctionType]:
    if isinstance(obj, type):
        for value in vars(obj).values():
            if isinstance(value, (staticmethod, classmethod)):
                value = value.__func__
            if isinstance(value, property):
                yield from (f for f in (value.fget, value.fset, value.fdel) if isinstance(f, types.FunctionType))
            elif isinstance(value, types.FunctionType):
                yield inspect.unwrap(value)  # type: ignore[misc]
    elif isinstance(obj, types.FunctionType):
        yield inspect.unwrap(obj)  # type: ignore[misc]


def _defining_sources(names: list[str], namespace: dict[str, Any]) -> list[tuple[str, str]]:
    """(file, source) of each cell that defines one of ``names``, in the order the cells ran."""
    files: list[str] = []
    for name in names:
        for function in _functions_of(namespace.get(name)):
            filename = function.__code__.co_filename
            if filename not in files and linecache.getlines(filename):
                files.append(filename)
    sources = [(f, "".join(linecache.getlines(f))) for f in files]
    history = namespace.get("In")
    if isinstance(history, list):  # IPython's inputs, in the order they ran: the last run decides
        def last_run(item: tuple[str, str]) -> int:
            text = item[1].rstrip()
            runs = [i for i, entry in enumerate(history) if isinstance(entry, str) and entry.rstrip() == text]
            return runs[-1] if runs else len(history)

        sources.sort(key=last_run)
    return sources


_HANGING_SOURCES: set[str] = set()  # answers whose top-level code was stopped while it ran
_TOP_LEVEL_HANGS = (
    "Running the code of your answer's cells did not finish, so no check could use it. Code at the "
    "top level of the answer cell runs again before every check: keep that cell to definitions "
    "(imports, classes, functions), and try things out in another cell."
)


@dataclass
class NotebookCode:
    """The notebook's answer to one exercise, ready to be run afresh as a module for each test."""

    path: Path  # the cells' source, written out: its basename names the code in reports
    source: str
    names: list[str]
    defined: list[str]
    context: dict[str, Any]  # the rest of the notebook's namespace (imports and helpers from other cells)

    def load(self, module_name: str) -> types.ModuleType:
        """A fresh module with the notebook's definitions (the ``student`` fixture's loader)."""
        if not self.defined:
            listed = ", ".join(self.names) or "anything"
            raise Mistake(
                f"This notebook does not define {listed}, so none of this exercise could be checked. "
                "Run the cell with your answer before the checks; if it shows an error, fix that first."
            )
        module = types.ModuleType(module_name)
        module.__dict__.update(self.context)
        module.__dict__.update(__file__=str(self.path), __builtins__=builtins)
        sys.modules[module_name] = module  # worker processes under fork find it here,
        folder = str(self.path.parent)
        if folder not in sys.path:
            sys.path.insert(0, folder)  # and under spawn import the written-out cells by name
        if self.source in _HANGING_SOURCES:
            sys.modules.pop(module_name, None)
            raise Mistake(_TOP_LEVEL_HANGS)
        try:
            # dont_inherit: compiled as an import would compile it, without this module's __future__ flags
            # primitives the cells create are the engine's models (real locks outside a run), as for a file
            code = compile(self.source, str(self.path), "exec", dont_inherit=True)
            created_as_models(exec, code, module.__dict__)
        except KeyboardInterrupt:
            _HANGING_SOURCES.add(self.source)  # stopped while running the cells: later checks fail at once
            raise
        except SyntaxError as exc:
            sys.modules.pop(module_name, None)
            raise Mistake(f"Your answer has a syntax error on line {exc.lineno}: {exc.msg}.") from None
        except Exception as exc:  # noqa: BLE001 - anything the cells raise is the student's to see
            sys.modules.pop(module_name, None)
            raise Mistake(
                f"Running your answer's cells again for this check failed with {type(exc).__name__}: {exc}. "
                "Keep the answer cell to definitions: code at its top level runs before every check."
            ) from None
        return module


def gather_code(names: list[str], file_name: str, namespace: dict[str, Any], folder: Path) -> NotebookCode:
    """Gather the cells of ``namespace`` that define ``names`` and write them to ``folder/file_name``."""
    sources = _defining_sources(names, namespace)
    source = "\n".join(text if text.endswith("\n") else text + "\n" for _, text in sources)
    path = folder / file_name
    path.write_text(source, encoding="utf-8")
    linecache.checkcache(str(path))
    context = {k: v for k, v in namespace.items() if not _SESSION_NAMES.match(k)}
    defined = [name for name in names if name in namespace]
    return NotebookCode(path, source, names, defined if sources else [], context)


def notebook_code(exercise: Exercise, namespace: dict[str, Any], folder: Path) -> NotebookCode:
    """Gather the notebook's answer to ``exercise`` from ``namespace`` and write it to ``folder``."""
    return gather_code(expected_names(exercise), exercise.file_name, namespace, folder)


# ----------------------------------------------------------------------------------- the check


_STATE: dict[str, Any] = {}


def _workdir() -> Path:
    """A folder for this kernel's written-out answers; removed when the kernel exits."""
    folder = _STATE.get("workdir")
    if folder is None or not folder.is_dir():
        folder = Path(tempfile.mkdtemp(prefix="autograder-notebook-"))
        _STATE["workdir"] = folder
        atexit.register(shutil.rmtree, folder, True)
    return folder


def base_seed() -> int:
    """``AUTOGRADER_SEED`` if set, else one random seed for this kernel (shown with every failure)."""
    text = os.environ.get(SEED_ENV, "").strip()
    if text:
        if not text.isdigit():
            raise CheckFailed(f"{SEED_ENV} must be a whole number, not {text!r}: ask your instructor.")
        return int(text)
    if "seed" not in _STATE:
        _STATE["seed"] = random.SystemRandom().randrange(1 << 31)
    return _STATE["seed"]


def time_limit() -> float:
    """``AUTOGRADER_CHECK_TIMEOUT`` seconds if set, else 30; 0 or less turns the limit off."""
    text = os.environ.get(TIMEOUT_ENV, "").strip()
    try:
        return float(text) if text else DEFAULT_TIMEOUT
    except ValueError:
        raise CheckFailed(f"{TIMEOUT_ENV} must be a number of seconds, not {text!r}: ask your instructor.") from None


class _Alarm:
    expired = False


@contextmanager
def _limited(seconds: float) -> Iterator[_Alarm]:
    """Raise KeyboardInterrupt in this (main) thread after ``seconds``; the engine and pytest both
    unwind cleanly from it. Does nothing off the main thread or where SIGALRM does not exist."""
    alarm = _Alarm()
    usable = seconds > 0 and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield alarm
        return

    def ring(signum: int, frame: Any) -> None:
        alarm.expired = True
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield alarm
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _new_threads(before: set[threading.Thread]) -> list[threading.Thread]:
    """Threads started since ``before`` that are still running (the kernel runs several of its own)."""
    deadline = time.monotonic() + LEAK_GRACE
    while True:
        left = [t for t in threading.enumerate() if t not in before and t.is_alive()]
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.02)


def _use_course_from_env() -> None:
    """Activate the course folder named by ``AUTOGRADER_COURSE`` (once per kernel)."""
    from autograder import course

    folder = os.environ.get(COURSE_ENV, "").strip()
    if not folder or course.active() is not None:
        return
    try:
        course.activate(course.load(Path(folder)))
    except course.CourseError as exc:
        raise CheckFailed(f"The course folder of this assignment could not be loaded: {exc}") from None


def _suite(exercise: Exercise, public: bool) -> Path:
    suite = exercise.public_tests if public else exercise.hidden_suite
    if not suite.is_file():
        kind = "visible" if public else "hidden"
        raise CheckFailed(f"The grader's {kind} checks for {exercise.name} are not installed in this environment.")
    return suite


def _title_of(suite: Path, test: str) -> str:
    from .runner import RunnerError, list_tests

    try:
        return next((t.title for t in list_tests(suite) if t.name == test), test)
    except RunnerError:
        return test


def run_check(
    exercise_name: str,
    test: str,
    namespace: dict[str, Any],
    *,
    public: bool = False,
    seed: int | None = None,
    timeout: float | None = None,
) -> dict:
    """Run one test of the exercise's suite on the notebook's code; the plugin's record for it.

    The record gains ``left_running``: names of threads the check started that were still running
    afterwards. Raises KeyboardInterrupt when the kernel itself was interrupted.
    """
    from .runner import RunnerError, run_tests

    _use_course_from_env()
    exercise = get(exercise_name)
    suite = _suite(exercise, public)
    folder = _workdir()
    code = notebook_code(exercise, namespace, folder)
    base = base_seed() if seed is None else seed
    limit = time_limit() if timeout is None else timeout
    replay = f'check("{exercise.name}", "{{test}}"{", public=True" if public else ""}, seed={{seed}})'
    before = set(threading.enumerate())
    alarm = _Alarm()
    record: dict | None = None
    try:
        with _limited(limit) as alarm:
            records = run_tests(suite, [test], seed=base, submission_dir=folder, loader=code.load, replay=replay)
        record = records.get(test)
    except KeyboardInterrupt:
        if not alarm.expired:
            raise
    except RunnerError as exc:
        if os.environ.get(DEBUG_ENV):
            print(exc.details)
        record = {
            "name": test, "title": test, "max_points": 0, "points": 0, "status": "error",
            "feedback": (f"The grader could not run this check ({exc}). This is not your fault: "
                         "please tell your instructor."),
        }
    if record is None and not alarm.expired:
        raise CheckFailed(f"{exercise.name} has no check called {test}.")
    if alarm.expired:
        stopped = f"This check did not finish within {limit:g} seconds, so it was stopped."
        if code.source in _HANGING_SOURCES:
            feedback = f"{stopped} {_TOP_LEVEL_HANGS}"
        else:
            feedback = CheckTimeout(
                f"{stopped} Your code probably waits forever or never stops: a deadlock (a thread waiting "
                "for a lock that is never released, or for a thread that never ends) or an endless loop.",
                idea=("A thread that waits must be sure that what it waits for will happen: release every "
                      "lock you take (use `with`), never take a plain Lock you already hold, and make "
                      "every loop end."),
                replay=replay.format(test=test, seed=base),
            ).text()
        record = {"name": test, "title": _title_of(suite, test), "max_points": 0, "points": 0,
                  "status": "failed", "feedback": feedback}
    record["left_running"] = [t.name for t in _new_threads(before)]
    return record


def check(
    exercise: str,
    test: str,
    *,
    public: bool = False,
    seed: int | None = None,
    timeout: float | None = None,
    namespace: dict[str, Any] | None = None,
) -> None:
    """Grade the notebook's answer to ``exercise`` with one test of its suite; raise if it fails.

    ``public=True`` runs a test of the exercise's visible suite instead of the hidden one.
    ``namespace`` defaults to the caller's globals: the notebook's namespace. Prints the outcome,
    with the plain-words explanation of a failure; raises :class:`CheckFailed` when the test fails.
    """
    __tracebackhide__ = True  # IPython and pytest leave this frame out of tracebacks
    if namespace is None:
        namespace = sys._getframe(1).f_globals
    record = run_check(exercise, test, namespace, public=public, seed=seed, timeout=timeout)
    title = record.get("title") or test
    lines = []
    if record["status"] == "passed":
        lines.append(f"Passed: {title}")
    else:
        lines.append(f"Failed: {title}")
        lines.append("")
        lines.append(record.get("feedback") or "This check failed.")
    if record["left_running"]:
        names = ", ".join(record["left_running"])
        lines.append("")
        lines.append(f"Note: threads your code started were still running after this check: {names}. "
                     "Join every thread you start.")
    print("\n".join(lines))
    if record["status"] != "passed":
        _show_failures_briefly()
        raise CheckFailed(f"{title} (see the explanation above)")


def _brief_traceback(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: int | None = None) -> None:
    """Show a CheckFailed without its frames: the explanation is already printed above it, and the
    frames would show only the grader's own code."""
    shell.showtraceback((etype, value, None))


def _show_failures_briefly() -> None:
    """Under IPython, show a failed check as one line instead of a traceback through the grader."""
    shell = getattr(builtins, "get_ipython", lambda: None)()
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return
    if shell.custom_exceptions in ((), (CheckFailed,)):  # never displace another handler
        shell.set_custom_exc((CheckFailed,), _brief_traceback)
