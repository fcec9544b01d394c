"""Helpers for the grading tests: run the real CLI in a subprocess, build classes of submissions."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.exercises import EXERCISES
from autograder.grading import catalog as catalog_mod
from autograder.grading.samples import without_locks

HERE = Path(__file__).resolve().parent
HOSTILE = HERE / "hostile"
# short limits keep the hanging cases quick; nothing asserts a duration. They must still leave room,
# on a loaded or slow machine, for a right solution's slowest test (about a second alone) and for a
# fork bomb to meet the process limit (128 processes started) before the time limit: AG_TIME_SCALE
# multiplies them where even that is not enough.
_SCALE = float(os.environ.get("AG_TIME_SCALE", "1"))
FAST_LIMITS = ["--time-limit", f"{20 * _SCALE:g}", "--exercise-time-limit", f"{90 * _SCALE:g}"]


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
            timeout: float = 600) -> subprocess.CompletedProcess:
    """``autograder ARGS`` in a subprocess, as a user runs it."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "autograder.cli", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


@pytest.fixture(autouse=True)
def _stop_the_zygote():
    """A test that runs the sandbox in this process starts a zygote: stop it (and its reader thread)."""
    yield
    from autograder.grading.sandbox import zygote

    zygote.shutdown()


@pytest.fixture(scope="session")
def catalogs() -> dict[str, catalog_mod.SuiteCatalog]:
    """The hidden suites that exist in this checkout (counter now; the others once they are written)."""
    return catalog_mod.collect(catalog_mod.available_exercises(hidden=True), hidden=True)


def solution_text(name: str) -> str:
    path = EXERCISES[name].solution
    assert path is not None and path.is_file(), f"no reference solution for {name}"
    return path.read_text(encoding="utf-8")


def racy_counter() -> str:
    text = without_locks(solution_text("counter"))
    assert text is not None
    return text


def counter_variant(kind: str) -> str:
    """Hostile or broken variants of counter.py, made from the reference solution."""
    solution = solution_text("counter")
    if kind == "deadlock":  # decrement takes its own lock twice: a real deadlock outside the engine
        old = "        with self._lock:\n            self._value -= amount"
        new = "        with self._lock:\n            with self._lock:\n                self._value -= amount"
    elif kind == "os_exit_midway":  # ends the process, but only from count_concurrently
        old = '    ### BEGIN SOLUTION\n    counter = Counter()'
        new = '    ### BEGIN SOLUTION\n    import os\n    os._exit(0)\n    counter = Counter()'
    elif kind == "segfault":  # crashes Python whenever increment runs (ctypes would be refused as tampering)
        old = "        with self._lock:\n            self._value += amount"
        new = "        import faulthandler\n        faulthandler._sigsegv()\n" + old
    elif kind == "syntax_error":
        return "class Counter\n    pass\n"
    elif kind == "import_error":
        return "import threading_helpers_that_do_not_exist  # noqa\n"
    else:
        return (HOSTILE / f"{kind}.py").read_text(encoding="utf-8")
    assert old in solution, f"the counter solution changed; update the {kind} variant"
    return solution.replace(old, new)


def write_submission(folder: Path, files: dict[str, str], nest: str = "") -> Path:
    base = folder / nest if nest else folder
    base.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (base / name).write_text(text, encoding="utf-8")
    return folder


def full_marks(catalogs: dict[str, catalog_mod.SuiteCatalog], skip: str = "") -> dict[str, str]:
    """Reference solutions of every gradable exercise except ``skip``."""
    return {EXERCISES[n].file_name: solution_text(n) for n in catalogs if n != skip}


# the tests a counter without its lock loses (joining is judged against the counter's own value, so a
# race costs only the tests aimed at lost updates)
RACES = {"test_no_increment_is_lost", "test_mixed_increments_and_decrements", "test_count_concurrently_loses_nothing"}


def companions(catalogs: dict[str, catalog_mod.SuiteCatalog]) -> dict[str, str]:
    """Reference solutions of two exercises besides the counter: the one graded right after it and the
    last one. One child runs a submission's suites in course order, so a counter that breaks something
    breaks what comes after it; these two stand for every other exercise at a fraction of the time."""
    names = [n for n in catalogs if n != "counter"]
    chosen = dict.fromkeys([names[0], names[-1]]) if names else {}
    return {EXERCISES[n].file_name: solution_text(n) for n in chosen}


def points_without(cat: catalog_mod.SuiteCatalog, failing: set[str]) -> float:
    """An exercise's points when exactly the tests named in ``failing`` are lost."""
    unknown = failing - {t.name for t in cat.tests}
    assert not unknown, f"the suite no longer has {unknown}"
    return sum(t.points for t in cat.tests if t.name not in failing)


def read_csv(path: Path) -> list[list[str]]:
    return [line.split(",") for line in path.read_text(encoding="utf-8").splitlines()]


def fmt(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value) == int(value) else f"{value:g}"


def load_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


# Gradescope's results.json, as its documentation specifies it (the fields this grader writes and
# the ones Gradescope accepts at the top level and per test).
GRADESCOPE_SCHEMA = {
    "type": "object",
    "required": ["tests"],
    "properties": {
        "score": {"type": "number"},
        "execution_time": {"type": "number", "minimum": 0},
        "output": {"type": "string"},
        "output_format": {"enum": ["text", "html", "simple_format", "md", "ansi"]},
        "test_output_format": {"enum": ["text", "html", "simple_format", "md", "ansi"]},
        "test_name_format": {"enum": ["text", "html", "simple_format", "md", "ansi"]},
        "visibility": {"enum": ["hidden", "after_due_date", "after_published", "visible"]},
        "stdout_visibility": {"enum": ["hidden", "after_due_date", "after_published", "visible"]},
        "extra_data": {"type": "object"},
        "tests": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "score", "max_score", "status", "output", "visibility"],
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "name_format": {"enum": ["text", "html", "simple_format", "md", "ansi"]},
                    "number": {"type": "string"},
                    "score": {"type": "number", "minimum": 0},
                    "max_score": {"type": "number", "minimum": 0},
                    "status": {"enum": ["passed", "failed"]},
                    "output": {"type": "string"},
                    "output_format": {"enum": ["text", "html", "simple_format", "md", "ansi"]},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "visibility": {"enum": ["hidden", "after_due_date", "after_published", "visible"]},
                    "extra_data": {"type": "object"},
                },
                "additionalProperties": False,
            },
        },
        "leaderboard": {"type": "array"},
    },
    "additionalProperties": False,
}
