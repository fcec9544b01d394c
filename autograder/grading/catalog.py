"""What each course suite holds (test names, titles, points), collected without running any student code.

The grader trusts this catalog, not the child that runs the student's code: points come from here,
so a child cannot raise a test's worth. Collection runs pytest ``--collect-only`` in a separate
process (``python -m autograder.grading.catalog SUITE...``) that prints the catalog as JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from autograder.exercises import EXERCISES, Exercise


@dataclass(frozen=True)
class CatalogTest:
    name: str
    title: str
    points: float


@dataclass(frozen=True)
class SuiteCatalog:
    exercise: Exercise
    suite: Path
    tests: tuple[CatalogTest, ...]

    @property
    def max_points(self) -> float:
        return float(sum(t.points for t in self.tests))


class CatalogError(RuntimeError):
    """A course suite could not be collected (a broken suite: the grader's problem, not a student's)."""


def available_exercises(hidden: bool = True) -> list[Exercise]:
    """Exercises whose suite exists, in the gradebook's order."""
    out = []
    for exercise in EXERCISES.values():
        suite = exercise.hidden_suite if hidden else _public_suite(exercise)
        if suite is not None and suite.is_file():
            out.append(exercise)
    return out


def _public_suite(exercise: Exercise) -> Path | None:
    try:
        return exercise.public_tests
    except FileNotFoundError:
        return None


def suite_path(exercise: Exercise, hidden: bool = True) -> Path:
    path = exercise.hidden_suite if hidden else _public_suite(exercise)
    if path is None:
        raise CatalogError(f"{exercise.name} has no public tests in this installation")
    return path


def collect(exercises: list[Exercise], hidden: bool = True) -> dict[str, SuiteCatalog]:
    """The catalog of each exercise's suite (hidden or public), in a separate pytest process."""
    if not exercises:
        return {}
    suites = {e.name: suite_path(e, hidden) for e in exercises}
    env = dict(os.environ)
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    done = subprocess.run(
        [sys.executable, "-m", "autograder.grading.catalog", *[str(p) for p in suites.values()]],
        capture_output=True, text=True, env=env, timeout=300, stdin=subprocess.DEVNULL,
    )
    if done.returncode != 0:
        raise CatalogError(f"collecting the course suites failed: {done.stderr.strip()[-2000:]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    out: dict[str, SuiteCatalog] = {}
    for exercise in exercises:
        path = suites[exercise.name]
        items = [t for t in data if Path(t["file"]).resolve() == path.resolve()]
        if not items:
            raise CatalogError(f"the suite of {exercise.name} ({path.name}) has no tests")
        tests = tuple(CatalogTest(t["name"], t["title"], float(t["points"])) for t in items)
        out[exercise.name] = SuiteCatalog(exercise, path, with_course_points(exercise, tests, hidden))
    return out


def with_course_points(exercise: Exercise, tests: tuple[CatalogTest, ...],
                       hidden: bool = True) -> tuple[CatalogTest, ...]:
    """The tests with the course folder's points (course.toml) in place of the markers'.

    Without overrides, a hidden suite's markers must add up to the points its exercise declares.
    """
    from autograder import course

    if not hidden:
        return tests
    override = course.points_override(exercise.name)
    names = {t.name for t in tests}
    unknown = sorted(set(override) - names)
    if unknown:
        raise CatalogError(f"{course.where(exercise.name, unknown[0])}: points for {unknown[0]}, but the suite of "
                           f"{exercise.name} has no such test (it has: {', '.join(sorted(names))})")
    if override:
        return tuple(replace(t, points=override.get(t.name, t.points)) for t in tests)
    total = sum(t.points for t in tests)
    if total != exercise.points:
        raise CatalogError(f"the hidden suite of {exercise.name} is worth {total:g} points, but its declaration "
                           f"says points={exercise.points}: make them agree")
    return tests


class _Collector:
    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def pytest_collection_finish(self, session: Any) -> None:
        from autograder.testing import plugin

        for item in session.items:
            self.items.append({
                "file": str(item.fspath), "name": item.name, "title": plugin._title(item),
                "points": plugin._points(item),
            })


def main(argv: list[str]) -> int:
    import io

    import pytest

    collector = _Collector()
    root = Path(argv[0]).resolve().parent if argv else Path.cwd()
    real_stdout = sys.stdout
    sys.stdout = io.StringIO()  # pytest's own chatter stays out of the JSON
    try:
        code = pytest.main(["--collect-only", "-q", "-p", "autograder.testing.plugin", "-p", "no:cacheprovider",
                            "--assert=plain", "--rootdir", str(root), "-c", os.devnull, *argv],
                           plugins=[collector])
    finally:
        chatter = sys.stdout.getvalue()
        sys.stdout = real_stdout
    if code != 0:
        print(chatter, file=sys.stderr)
        return 1
    print(json.dumps(collector.items))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
