"""``autograder check``: a student runs one exercise's tests against their file, in the sandbox.

Public tests by default; ``hidden=True`` runs the hidden suite where it is installed (an instructor's
machine, Gradescope), which is how a grading failure is replayed. Every failure prints the exact
command that replays it with the same seed.
"""

from __future__ import annotations

import random
import shlex
from dataclasses import dataclass
from pathlib import Path

from autograder.exercises import get, public_only

from . import catalog as catalog_mod
from . import sandbox
from .export import split_feedback
from .grader import explain
from .model import STATUSES
from .protocol import Status


class CheckUsageError(ValueError):
    """Bad usage of ``check`` (exit status 2)."""


@dataclass
class CheckLine:
    name: str
    title: str
    passed: bool
    status: Status
    text: str
    replay: str


def _braces(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def run_check(exercise_name: str, path: str | None, *, seed: int | None = None, test: str | None = None,
              hidden: bool = False, limits: sandbox.Limits = sandbox.DEFAULT_LIMITS) -> tuple[int, list[CheckLine]]:
    """Run the checks; returns (seed, one line per test). Raises CheckUsageError on bad usage."""
    try:
        exercise = get(exercise_name)
    except ValueError as exc:
        # an exercise of an instructor's course folder, in the student bundle: its public tests are here
        where = Path(path) if path is not None else Path.cwd()
        exercise = public_only(exercise_name, where if where.is_dir() else where.parent)
        if exercise is None or hidden:
            raise CheckUsageError(str(exc)) from None
    shown = path if path is not None else exercise.file_name
    target = Path(shown)
    if target.is_dir():
        target = target / exercise.file_name
        shown = str(Path(shown) / exercise.file_name)
    if not target.is_file():
        raise CheckUsageError(f"{shown} not found: pass the path of your {exercise.file_name}")
    suite = exercise.hidden_suite if hidden else None
    if hidden and not suite.is_file():
        raise CheckUsageError(f"the hidden tests of {exercise.name} are not part of this installation "
                              "(only the grader's has them)")
    if not hidden:
        try:
            suite = exercise.public_tests
        except FileNotFoundError as exc:
            raise CheckUsageError(str(exc)) from None
        if not suite.is_file():
            raise CheckUsageError(f"the public tests of {exercise.name} are not installed ({suite.name} is missing)")
    cat = catalog_mod.collect([exercise], hidden=hidden)[exercise.name]
    tests = list(cat.tests)
    if test is not None:
        tests = [t for t in tests if t.name == test]
        if not tests:
            names = ", ".join(t.name for t in cat.tests)
            raise CheckUsageError(f"{exercise.name} has no test {test!r}: choose one of {names}")
    if seed is None:
        seed = random.SystemRandom().randrange(1 << 31)
    hidden_flag = " --hidden" if hidden else ""
    replay = (f"autograder check {exercise.name} {_braces(shlex.quote(shown))}{hidden_flag} "
              "--seed {seed} --test {test}")
    plan = [sandbox.PlannedTest(exercise.name, cat.suite, t.name) for t in tests]
    verdicts = sandbox.run_tests({exercise.file_name: target.resolve()}, plan, seed=seed, replay=replay,
                                 limits=limits)
    lines = []
    for t in tests:
        verdict = verdicts[(exercise.name, t.name)]
        command = replay.format(seed=seed, test=t.name, module=exercise.name, file=cat.suite.name)
        if verdict.record is not None and verdict.status.from_plugin:
            text = str(verdict.record.get("feedback") or "")
            text = text.replace(str(target.resolve().parent) + "/", "")
        else:
            text = explain(verdict, exercise.file_name, limits)
        lines.append(CheckLine(t.name, t.title, verdict.status == Status.PASSED, verdict.status, text, command))
    return seed, lines


def render(exercise: str, shown: str, seed: int, lines: list[CheckLine]) -> str:
    """What ``check`` prints: one PASS/FAIL line per test, feedback and the replay command under each failure."""
    out = [f"Checking {shown} against the {exercise} tests (seed {seed})", ""]
    for line in lines:
        mark = "PASS" if line.passed else "FAIL"
        label = "" if line.passed or line.status == Status.FAILED else f" [{STATUSES.get(line.status, line.status)}]"
        out.append(f"{mark}  {line.title}{label}")
        if not line.passed:
            parts = split_feedback(line.text)
            body = line.text if not parts.replay else line.text.replace(f"\n\nTo see it again: {parts.replay}", "")
            out.extend("      " + row if row else "" for row in body.strip().splitlines())
            out.append(f"      To see it again: {line.replay}")
            out.append("")
    passed = sum(1 for line in lines if line.passed)
    out.append("")
    out.append(f"{passed} of {len(lines)} tests passed.")
    return "\n".join(out)
