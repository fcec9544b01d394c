"""Writes a ready nbgrader course: ``nbgrader_config.py`` and one source notebook per exercise.

Each notebook is generated from the same single source as the starter files, ``solutions/``:

* read-only markdown cells with the task (the exercise's README, without its command-line part);
* one autograded answer cell: the solution file, whose ``### BEGIN SOLUTION`` regions nbgrader
  replaces exactly as ``make_starter`` does, so the released cell is the starter file;
* an ungraded cell for trying things out;
* autograder test cells for the visible checks (the exercise's public tests, worth no points, as on
  the command line) and one per hidden test, worth that test's ``points`` marker. A hidden test
  cell holds a comment and, between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``, only a
  call into the installed grader: nbgrader's feedback shows test cells' source, and the suite's
  source must stay out of it.

Exercises whose solution or hidden suite does not exist yet are skipped (and reported).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from autograder import course as course_mod
from autograder.exercises import EXERCISES, Exercise
from autograder.exercises.starter import BEGIN, END

from .kernel import COURSE_ENV, DEFAULT_TIMEOUT, TIMEOUT_ENV
from .runner import SuiteTest, list_tests

HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"
HIDDEN_END = "### END HIDDEN TESTS"
EXECUTE_TIMEOUT = 2 * int(DEFAULT_TIMEOUT)  # nbgrader's per-cell limit: the check's own limit comes first
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
_CLI_SECTIONS = re.compile(r"^check your work", re.IGNORECASE)  # README sections about the command line


@dataclass
class ExercisePlan:
    """What one exercise's notebook is made of (also what the tests expect of the gradebook)."""

    exercise: Exercise
    solution: str
    visible: list[SuiteTest]
    hidden: list[SuiteTest]

    @property
    def max_points(self) -> int:
        return sum(t.points for t in self.hidden) + sum(t.points for t in self.visible)


@dataclass
class CourseResult:
    config: Path
    notebooks: list[Path] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # exercise -> why


def _number(value: float) -> Any:
    return int(value) if float(value).is_integer() else float(value)


def plan(exercise: Exercise) -> ExercisePlan | str:
    """The plan of ``exercise``'s notebook, or why it cannot be made yet."""
    solution = exercise.solution
    if solution is None or not solution.is_file():
        return "its solution is not written yet"
    if not exercise.hidden_suite.is_file():
        return "its hidden suite is not written yet"
    text = solution.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        return f"its solution marks no answer region ({BEGIN} / {END})"
    hidden = list_tests(exercise.hidden_suite)
    if not hidden:
        return "its hidden suite has no tests"
    override = course_mod.points_override(exercise.name)  # a course folder's course.toml
    hidden = [replace(t, points=_number(override.get(t.name, t.points))) for t in hidden]
    visible = list_tests(exercise.public_tests) if exercise.public_tests.is_file() else []
    return ExercisePlan(exercise, text, visible, hidden)


def plans() -> tuple[list[ExercisePlan], dict[str, str]]:
    """Plans for every exercise that is complete, in registry order, and why the others are not."""
    done, skipped = [], {}
    for exercise in EXERCISES.values():
        result = plan(exercise)
        if isinstance(result, str):
            skipped[exercise.name] = result
        else:
            done.append(result)
    return done, skipped


# ------------------------------------------------------------------------------------- notebooks


def _safe_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")


def _cell(kind: str, source: str, index: int, nbgrader: dict[str, Any] | None = None) -> dict[str, Any]:
    cell: dict[str, Any] = {"cell_type": kind, "id": f"cell-{index}", "metadata": {}, "source": source}
    if nbgrader is not None:
        cell["metadata"]["nbgrader"] = {"schema_version": 3, "task": False, **nbgrader}
    if kind == "code":
        cell["execution_count"] = None
        cell["outputs"] = []
    return cell


def _read_only(grade_id: str) -> dict[str, Any]:
    return {"grade": False, "solution": False, "locked": True, "grade_id": grade_id}


def _task_markdown(exercise: Exercise) -> str:
    readme = exercise.assignment_dir / "README.md"
    if not readme.is_file():
        text = f"# {exercise.title}\n\n*The lesson: {exercise.lesson}.*\n"
    else:
        kept, skipping = [], False
        for line in readme.read_text(encoding="utf-8").splitlines():
            if line.startswith("## "):
                skipping = bool(_CLI_SECTIONS.match(line[3:].strip()))
            if not skipping:
                kept.append(line)
        text = "\n".join(kept).rstrip() + "\n"
    return text + (
        f"\n## In this notebook\n\nWrite your answer in the code cell below: it plays the part of "
        f"`{exercise.file_name}`, and the checks run its code afresh for every check, as if they "
        f"imported `{exercise.file_name}`. Keep it to definitions (imports, classes, functions).\n"
    )


def _visible_markdown(p: ExercisePlan) -> str:
    text = (
        "## Visible checks\n\n"
        f"These are the checks `autograder check {p.exercise.name}` runs. Run them as often as you "
        "like: they run your code under the race engine, which decides between every instruction "
        "of your code which thread runs next, so a race shows up at once, with the interleaving "
        "that broke your code. They are worth no points themselves.\n"
    )
    if p.exercise.public_tests.is_file():
        source = p.exercise.public_tests.read_text(encoding="utf-8").rstrip()
        text += f"\nWhat they run (`{p.exercise.public_tests.name}`):\n\n```python\n{source}\n```\n"
    return text


def _hidden_markdown(p: ExercisePlan) -> str:
    points = sum(t.points for t in p.hidden)
    return (
        f"## Hidden checks: {points} points\n\n"
        f"When your notebook is graded, {len(p.hidden)} hidden checks run your code under the race "
        "engine; each cell below says what its check looks at and what it is worth. Your feedback "
        "explains every check that failed, in plain words, with the interleaving that broke your "
        "code. A check that hangs (a deadlock, an endless loop) is stopped and costs only its own "
        "points.\n"
    )


def _call(exercise: Exercise, test: SuiteTest, public: bool) -> str:
    flag = ", public=True" if public else ""
    return (
        "from autograder.integrations.nbgrader import check\n"
        f"check({json.dumps(exercise.name)}, {json.dumps(test.name)}{flag})"
    )


def notebook(p: ExercisePlan) -> dict[str, Any]:
    """The source notebook (nbformat 4.5, as a dict) of one exercise."""
    ex = p.exercise
    cells: list[dict[str, Any]] = []

    def add(kind: str, source: str, nbgrader: dict[str, Any] | None = None) -> None:
        cells.append(_cell(kind, source, len(cells), nbgrader))

    add("markdown", _task_markdown(ex), _read_only(f"{ex.name}-task"))
    add("code", p.solution.rstrip(),
        {"grade": False, "solution": True, "locked": False, "grade_id": f"{ex.name}-answer"})
    add("markdown", "## Try it\n\nThis cell is yours: try your code here. It is not graded.\n",
        _read_only(f"{ex.name}-try-it"))
    add("code", "# for example: create an object, start a few threads, join them, print the result\n")
    if p.visible:
        add("markdown", _visible_markdown(p), _read_only(f"{ex.name}-about-visible-checks"))
        for test in p.visible:
            add("code", f"# Visible check (no points of its own): {test.title}\n{_call(ex, test, True)}",
                {"grade": True, "solution": False, "locked": True, "points": test.points,
                 "grade_id": _safe_id(f"{ex.name}-visible-{test.name}")})
    add("markdown", _hidden_markdown(p), _read_only(f"{ex.name}-about-hidden-checks"))
    for test in p.hidden:
        plural = "s" if test.points != 1 else ""
        add("code", (f"# Hidden check, {test.points} point{plural}: {test.title}\n"
                     f"{HIDDEN_BEGIN}\n{_call(ex, test, False)}\n{HIDDEN_END}"),
            {"grade": True, "solution": False, "locked": True, "points": test.points,
             "grade_id": _safe_id(f"{ex.name}-hidden-{test.name}")})
    for cell in cells:  # nbformat stores sources as lists of lines
        cell["source"] = cell["source"].splitlines(keepends=True)
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": dict(KERNELSPEC),
            "language_info": {"name": "python", "file_extension": ".py", "mimetype": "text/x-python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def config_text(course_id: str, exercises: list[str]) -> str:
    active = course_mod.active()
    course_line = ""
    if active is not None:
        course_line = ("# The course folder whose exercises and course.toml the checks use (autograder --course):\n"
                       f"os.environ.setdefault({COURSE_ENV!r}, {str(active.root)!r})\n")
    return f'''"""nbgrader settings of a threadgrader course, written by `autograder nbgrader init`.

Assignments (one notebook each, in source/<assignment>/): {", ".join(exercises)}.
Typical round: nbgrader generate_assignment <a>; nbgrader release_assignment <a> (or hand out
release/<a>/); collect into submitted/<student>/<a>/; nbgrader autograde <a>;
nbgrader generate_feedback <a>; nbgrader export.
"""

import os

c = get_config()  # noqa: F821 - nbgrader provides get_config

c.CourseDirectory.course_id = {course_id!r}

# A cell may run this long (seconds) before nbgrader interrupts the kernel and goes on with the
# next cell, so a notebook that hangs costs only the cells that hang.
c.Execute.timeout = {EXECUTE_TIMEOUT}
c.Execute.interrupt_on_timeout = True

# Read inside the kernel by the checks (autograder.integrations.nbgrader.kernel): each check
# stops itself after this many seconds, well before nbgrader's own limit above.
os.environ.setdefault("{TIMEOUT_ENV}", "{DEFAULT_TIMEOUT:g}")
# Uncomment to fix the base seed of every check (by default each kernel draws one, and every
# failure's feedback names it, so it can be replayed):
# os.environ.setdefault("AUTOGRADER_SEED", "12345")
{course_line}'''


class CourseExists(Exception):
    """The folder already holds a course and overwriting was not asked for."""


def write_course(course_dir: Path, *, course_id: str | None = None, force: bool = False) -> CourseResult:
    """Write ``nbgrader_config.py`` and ``source/<exercise>/<exercise>.ipynb`` into ``course_dir``."""
    course_dir = Path(course_dir)
    done, skipped = plans()
    config = course_dir / "nbgrader_config.py"
    targets = [course_dir / "source" / p.exercise.name / f"{p.exercise.name}.ipynb" for p in done]
    existing = [path for path in [config, *targets] if path.exists()]
    if existing and not force:
        raise CourseExists(f"{existing[0]} already exists (pass --force to overwrite)")
    if not done:
        raise ValueError("no exercise is complete yet: " + "; ".join(f"{k}: {v}" for k, v in skipped.items()))
    course_dir.mkdir(parents=True, exist_ok=True)
    identifier = course_id or _safe_id(course_dir.resolve().name) or "threads"
    config.write_text(config_text(identifier, [p.exercise.name for p in done]), encoding="utf-8")
    result = CourseResult(config=config, skipped=skipped)
    for p, target in zip(done, targets):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(notebook(p), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        result.notebooks.append(target)
    return result
