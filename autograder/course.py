"""An instructor's course folder: exercises kept outside the package, and the course's choices.

A course folder has the package's layout, one folder per exercise plus its material::

    course.toml                      the course's choices (below); optional
    exercises/__init__.py            empty: exercises/ is a package
    exercises/<name>/__init__.py     EXERCISE = Exercise(...)   (see autograder.exercises)
    exercises/<name>/hidden_tests.py the hidden suite
    assignments/<name>/              README.md, <name>.py (starter), test_<name>.py
    solutions/<name>.py              the reference solution, with answer markers
    samples/<name>/                  optional: right/*.py, wrong/*.py and manifest.json

``course.toml`` (every key optional; an unknown key is an error)::

    exercises = ["counter", "bank_queue"]   # which exercises are graded, in the gradebook's order
    time_limit = 10                         # seconds one test may take
    exercise_time_limit = 120               # seconds all tests of one exercise may take

    [points.counter]                        # points per test, replacing @pytest.mark.points
    test_name = 6                           # (a test of that exercise's hidden suite)

``--course DIR`` names the folder; without it a ``course.toml`` in the current folder is used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomllib

from autograder import exercises as registry
from autograder.exercises import Exercise, RegistryError

COURSE_FILE = "course.toml"
_KEYS = {"exercises", "time_limit", "exercise_time_limit", "points"}


class CourseError(ValueError):
    """A course folder or its course.toml is wrong: one line that names the file (and line)."""


@dataclass(frozen=True)
class Course:
    root: Path
    exercises: tuple[Exercise, ...] = ()  # the folder's own exercises
    graded: tuple[str, ...] | None = None  # course.toml's ``exercises``; None: all of them
    points: dict[str, dict[str, float]] = field(default_factory=dict)  # exercise -> test -> points
    time_limit: float | None = None
    exercise_time_limit: float | None = None

    @property
    def private_folders(self) -> tuple[Path, ...]:
        """What student code must never see: the solutions and the samples (the suites it must run)."""
        return tuple(p for p in (self.root / "solutions", self.root / "samples") if p.is_dir())


_ACTIVE: list[Course] = []


def active() -> Course | None:
    """The course folder in use in this process, if any."""
    return _ACTIVE[-1] if _ACTIVE else None


def points_override(exercise: str) -> dict[str, float]:
    course = active()
    return dict(course.points.get(exercise, {})) if course is not None else {}


def where(exercise: str, test: str) -> str:
    """``course.toml, line N`` of the line that gives ``test`` of ``exercise`` its points (for errors)."""
    course = active()
    if course is None:
        return COURSE_FILE
    path = course.root / COURSE_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return str(path)
    lines = text.splitlines()
    header = _line_of(text, rf"\s*\[\s*points\.{re.escape(exercise)}\s*\]") or 0
    for number in range(header + 1, len(lines) + 1):
        if re.match(rf"\s*{re.escape(test)}\s*=", lines[number - 1]):
            return f"{path}, line {number}"
    return str(path)


def digest() -> str:
    """A digest of the course folder's course.toml and exercises/ (empty without one): a change re-grades."""
    import hashlib

    course = active()
    if course is None:
        return ""
    hasher = hashlib.sha256()
    paths = [course.root / COURSE_FILE, *sorted((course.root / "exercises").rglob("*"))]
    for path in paths:
        if path.is_file() and "__pycache__" not in path.parts:
            hasher.update(path.relative_to(course.root).as_posix().encode() + b"\0" + path.read_bytes())
    return hasher.hexdigest()[:16]


def private_folders() -> tuple[Path, ...]:
    course = active()
    return course.private_folders if course is not None else ()


def _line_of(text: str, pattern: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(pattern, line):
            return number
    return None


def _fail(path: Path, text: str, message: str, pattern: str | None = None) -> CourseError:
    line = _line_of(text, pattern) if pattern else None
    where = f"{path}, line {line}" if line else str(path)
    return CourseError(f"{where}: {message}")


def _seconds(path: Path, text: str, data: dict[str, Any], key: str) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise _fail(path, text, f"{key} must be a number of seconds above 0, not {value!r}", rf"\s*{key}\s*=")
    return float(value)


def parse(path: Path, known: set[str]) -> dict[str, Any]:
    """course.toml's content, checked: exercise names among ``known``, points numbers, no unknown key."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CourseError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"^(.*?)\s*\(at line (\d+), column (\d+)\)\s*$", str(exc).strip())
        if found:
            what, line, column = found.groups()
            raise CourseError(f"{path}, line {line}: not valid TOML: {what[:1].lower()}{what[1:]} "
                              f"(column {column})") from None
        raise CourseError(f"{path}: not valid TOML: {str(exc).strip()}") from None
    for key in data:
        if key not in _KEYS:
            raise _fail(path, text, f"unknown key {key!r} (known: {', '.join(sorted(_KEYS))})",
                        rf"\s*\[?\s*{re.escape(key)}\b")
    graded = data.get("exercises")
    if graded is not None:
        if not isinstance(graded, list) or not all(isinstance(n, str) for n in graded):
            raise _fail(path, text, "exercises must be a list of exercise names", r"\s*exercises\s*=")
        for name in graded:
            if name not in known:
                there = ", ".join(sorted(known))
                raise _fail(path, text, f"unknown exercise {name!r} in exercises (there are: {there})",
                            r"\s*exercises\s*=")
        if len(set(graded)) != len(graded):
            raise _fail(path, text, "an exercise is listed twice in exercises", r"\s*exercises\s*=")
    points = data.get("points", {})
    if not isinstance(points, dict):
        raise _fail(path, text, "points must be a table: [points.EXERCISE] with test = points", r"\s*points\s*=")
    for exercise, tests in points.items():
        header = rf"\s*\[\s*points\.{re.escape(exercise)}\s*\]"
        if exercise not in known:
            raise _fail(path, text, f"unknown exercise {exercise!r} in [points.{exercise}]", header)
        if not isinstance(tests, dict):
            raise _fail(path, text, f"[points.{exercise}] must map test names to points", header)
        for test, value in tests.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise _fail(path, text, f"points of {exercise}.{test} must be a number of at least 0, not {value!r}",
                            rf"\s*{re.escape(test)}\s*=")
    data["_time_limit"] = _seconds(path, text, data, "time_limit")
    data["_exercise_time_limit"] = _seconds(path, text, data, "exercise_time_limit")
    return data


def load(root: Path) -> Course:
    """The course folder ``root``: its exercises and its course.toml, checked."""
    if not root.is_dir():
        raise CourseError(f"{root} is not a folder")
    root = root.resolve()
    try:
        own = registry.discover_course(root)
    except RegistryError as exc:
        raise CourseError(str(exc)) from None
    package = {e.name for e in registry.package_exercises()}
    clash = sorted(package & {e.name for e in own})
    if clash:
        raise CourseError(f"{root / 'exercises' / clash[0]} has the name of one of the grader's own exercises: "
                          "rename it")
    path = root / COURSE_FILE
    if not path.is_file():
        return Course(root, tuple(own))
    data = parse(path, package | {e.name for e in own})
    points = {ex: {t: float(v) for t, v in tests.items()} for ex, tests in data.get("points", {}).items()}
    graded = tuple(data["exercises"]) if data.get("exercises") is not None else None
    return Course(root, tuple(own), graded, points, data["_time_limit"], data["_exercise_time_limit"])


def find(given: str | Path | None, cwd: Path | None = None) -> Course | None:
    """The course named by ``--course`` or, without it, the one whose course.toml is in ``cwd``."""
    if given is not None:
        return load(Path(given))
    here = cwd or Path.cwd()
    if (here / COURSE_FILE).is_file():
        return load(here)
    return None


def activate(course: Course | None) -> None:
    """Make ``course`` (the grader's exercises plus the folder's, as chosen) the course of this process."""
    _ACTIVE.clear()
    everything = registry.package_exercises()
    if course is None:
        registry.use(everything)
        return
    everything += list(course.exercises)
    if course.graded is not None:
        by_name = {e.name: e for e in everything}
        chosen = [by_name[n] for n in course.graded]
        registry.use(chosen, keep_order=True)
    else:
        registry.use(everything)
    _ACTIVE.append(course)
