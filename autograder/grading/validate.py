"""``autograder validate``: an instructor's check of a hidden suite before students see it.

For each exercise (the grader's own, or a course folder's):

* the reference solution earns full marks on every seed of a sweep of independent base seeds;
* the starter file earns 0 points, every test failing with feedback, and the suite does not crash;
* each wrong sample (``samples/<exercise>/wrong/*.py``, in the grader's checkout the zoo) loses
  every test its ``manifest.json`` aims at it, on every seed, with the idea it names in the
  feedback; each right sample earns full marks on every seed.

The suites run in this process, not through pytest: ``run_suite`` calls the test functions
directly with the fixtures the plugin gives (``student``, ``fake``, ``race_seed``,
``submission_dir``, ``tmp_path``, ``monkeypatch``), seeded the same way (``plugin.test_seed``), and
turns a failure into the same student feedback (``plugin.feedback_for``). Starting pytest for each
(sample, seed) would cost a second apiece. The zoo's meta-tests (``tests/exercises/test_zoo.py``)
use the same functions.

Budget knob: ``schedules(scale=..., shrink=...)`` multiplies the number of schedules every
``race_check`` explores (``runs``), and can skip shrinking a failure to its fewest preemptions.
The verdict of a check does not depend on shrinking; only the interleaving shown does. Seed ``s``
explores the same schedules in the same order whatever the scale, so a scaled-down run explores a
prefix of what the grader explores. This file is grader code that runs instructors' material, not
students' submissions: the samples are the instructor's own.
"""

from __future__ import annotations

import importlib
import inspect
import json
import math
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.exercises import EXERCISES, Exercise, course_package, load_module

ALLOWED_FIXTURES = {"student", "fake", "race_seed", "submission_dir", "tmp_path", "monkeypatch"}


class ValidationError(ValueError):
    """The material to validate is missing or malformed (one line for the instructor)."""


@dataclass(frozen=True)
class HiddenTest:
    name: str
    function: Any
    points: float
    fixtures: tuple[str, ...]


@dataclass
class Result:
    name: str
    points: float
    max_points: float
    feedback: str

    @property
    def passed(self) -> bool:
        return self.points == self.max_points and not self.feedback  # public tests carry no points


def _exercise(exercise: str | Exercise) -> Exercise:
    return EXERCISES[exercise] if isinstance(exercise, str) else exercise


def suite_module(exercise: str | Exercise) -> Any:
    """The hidden suite's module, imported in this process."""
    ex = _exercise(exercise)
    if ex.course is None:
        return importlib.import_module(f"autograder.exercises.{ex.name}.hidden_tests")
    package = f"{course_package(ex.course)}.{ex.name}"
    if package not in sys.modules:
        load_module(course_package(ex.course), ex.course / "exercises" / "__init__.py", package=True)
        load_module(package, ex.exercise_dir / "__init__.py", package=True)
    return load_module(f"{package}.hidden_tests", ex.hidden_suite)


def hidden_tests(exercise: str | Exercise) -> list[HiddenTest]:
    """The suite's test functions in the order they are written, with their points (course.toml's if it sets them)."""
    from autograder import course

    ex = _exercise(exercise)
    return _tests_of(suite_module(ex), course.points_override(ex.name))


def _tests_of(module: Any, override: dict[str, float] | None = None) -> list[HiddenTest]:
    """A suite module's test functions in the order they are written, with their points."""
    override = override or {}
    found = []
    for name, function in vars(module).items():
        if not name.startswith("test_") or not inspect.isfunction(function):
            continue
        marks = [m for m in getattr(function, "pytestmark", []) if m.name == "points"]
        points = float(marks[0].args[0]) if marks and marks[0].args else 0.0
        fixtures = tuple(inspect.signature(function).parameters)
        found.append(HiddenTest(name, function, override.get(name, points), fixtures))
    found.sort(key=lambda t: t.function.__code__.co_firstlineno)
    return found


@contextmanager
def schedules(scale: float = 1.0, shrink: bool = True) -> Iterator[None]:
    """Within the block, every explore() runs ``ceil(runs * scale)`` schedules (at least one)."""
    import autograder.race

    original = autograder.race.explore

    def scaled(fn: Any, *, runs: int = 500, **kwargs: Any) -> Any:
        if not shrink:
            kwargs["shrink"] = False
        return original(fn, runs=max(1, math.ceil(runs * scale)), **kwargs)

    autograder.race.explore = scaled  # race_check looks it up on the module at every call
    try:
        yield
    finally:
        autograder.race.explore = original


def stage(sample: Path, exercise: str | Exercise, folder: Path) -> Path:
    """Copy a sample into ``folder`` under the name the suite imports (counter.py, ...)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(sample, folder / _exercise(exercise).file_name)
    return folder


def run_suite(exercise: str | Exercise, submission: Path, base_seed: int, *, only: list[str] | None = None,
              scratch: Path | None = None) -> dict[str, Result]:
    """Run the hidden suite of ``exercise`` on the submission folder; one Result per test run."""
    ex = _exercise(exercise)
    module = suite_module(ex)
    results = {}
    own_scratch = scratch is None
    scratch = Path(tempfile.mkdtemp(prefix="ag-validate-")) if scratch is None else scratch
    # one process runs many samples under one module name: worker processes started by spawn or
    # forkserver import it by name, so this sample's folder must come first on sys.path, and no
    # other sample's folder may stay on it (in grading, every child has one folder only)
    saved_path = list(sys.path)
    folder = str(Path(submission).resolve())
    sys.path[:] = [folder] + [p for p in saved_path if p != folder]
    try:
        for test in hidden_tests(ex):
            if only is not None and test.name not in only:
                continue
            results[test.name] = _run_one(module, test, submission, base_seed, scratch)
    finally:
        sys.path[:] = [p for p in saved_path if p != folder]
        _stop_forkserver()
        if own_scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    return results


def _let_strays_finish(before: set[threading.Thread], seconds: float = 5.0) -> None:
    """Give threads the student's code left behind (a pool's workers finishing after it was closed)
    a few seconds to end, so that one sample's threads never run into the next sample's test. In
    grading, each child process ends with its submission instead."""
    import gc

    me = threading.current_thread()
    strays = [t for t in threading.enumerate() if t not in before and t is not me and t.is_alive()]
    if not strays:
        return  # the usual case: nothing to wait for, and no collection to pay for
    gc.collect()  # a pool nobody closed is terminated by its finalizer
    deadline = time.monotonic() + seconds
    for thread in strays:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        thread.join(timeout=remaining)


def _stop_forkserver() -> None:
    """End multiprocessing's fork server, if a sample started one: it keeps the modules it imported, so
    the next sample's workers (same module name, other code) would run the previous sample's code."""
    try:
        from multiprocessing import forkserver

        server = forkserver._forkserver
        if getattr(server, "_forkserver_pid", None) is not None:
            server._stop()
    except Exception:  # noqa: BLE001 - only a clean-up between samples
        pass


def _run_one(module: Any, test: HiddenTest, submission: Path, base_seed: int, scratch: Path) -> Result:
    import pytest
    from faker import Faker

    from autograder.testing.feedback import CONTEXT
    from autograder.testing.plugin import feedback_for, load_student_module, test_seed

    seed = test_seed(base_seed, test.name)
    before = set(threading.enumerate())
    CONTEXT.seed = seed
    CONTEXT.replay = f"pytest {Path(module.__file__).name} -k {test.name} --ag-seed {base_seed}"
    CONTEXT.notes = []
    patcher = pytest.MonkeyPatch()
    student_name = module.STUDENT_MODULE
    feedback = ""
    try:
        kwargs: dict[str, Any] = {}
        for fixture in test.fixtures:
            if fixture == "student":
                kwargs[fixture] = load_student_module(student_name, submission)
            elif fixture == "fake":
                fake = Faker()
                fake.seed_instance(seed)
                kwargs[fixture] = fake
            elif fixture == "race_seed":
                kwargs[fixture] = seed
            elif fixture == "submission_dir":
                kwargs[fixture] = submission
            elif fixture == "tmp_path":
                kwargs[fixture] = Path(tempfile.mkdtemp(prefix=f"{test.name[:20]}-", dir=scratch))
            elif fixture == "monkeypatch":
                kwargs[fixture] = patcher
            else:
                raise ValidationError(f"{test.name} asks for fixture {fixture!r}, which hidden suites may not use "
                                      f"(they may use {', '.join(sorted(ALLOWED_FIXTURES))})")
        test.function(**kwargs)
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 - every failure of a hidden test costs its points
        feedback, _ = feedback_for(pytest.ExceptionInfo.from_exception(exc), [submission])
        if not feedback:
            feedback = f"{type(exc).__name__}: {exc}"
    finally:
        patcher.undo()
        sys.modules.pop(student_name, None)
        CONTEXT.seed = None
        CONTEXT.replay = ""
        _let_strays_finish(before)
    return Result(test.name, 0 if feedback else test.points, test.points, feedback)


# ----------------------------------------------------------------------------------- samples


def manifest(exercise: str | Exercise) -> dict[str, Any]:
    """The samples' ``manifest.json`` (``{}`` when the exercise has no samples)."""
    folder = _exercise(exercise).samples_dir
    path = folder / "manifest.json" if folder is not None else None
    if path is None or not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{path}: not valid JSON (line {exc.lineno}): {exc.msg}") from None


def samples(exercise: str | Exercise, kind: str, group: str = "") -> list[Path]:
    """The ``right`` or ``wrong`` samples of an exercise, sorted by name; ``group="realistic"`` for the
    samples written the way students write (``<samples>/realistic/<kind>/``)."""
    folder = _exercise(exercise).samples_dir
    if folder is None:
        return []
    return sorted((folder / group / kind if group else folder / kind).glob("*.py"))


def run_public(exercise: str | Exercise, submission: Path, base_seed: int, *,
               scratch: Path | None = None) -> dict[str, Result]:
    """Run the public tests of ``exercise`` on the submission folder, the way ``autograder check`` does."""
    import importlib.util

    ex = _exercise(exercise)
    path = ex.public_tests
    spec = importlib.util.spec_from_file_location(f"_public_{ex.name}", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    module.STUDENT_MODULE = getattr(module, "STUDENT_MODULE", ex.file_name.removesuffix(".py"))
    results = {}
    own_scratch = scratch is None
    scratch = Path(tempfile.mkdtemp(prefix="ag-meta-")) if scratch is None else scratch
    try:
        for test in _tests_of(module):
            results[test.name] = _run_one(module, test, submission, base_seed, scratch)
    finally:
        if own_scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    return results


# ---------------------------------------------------------------------------------- validate


@dataclass
class Check:
    """One row of the table: what was checked, on which seeds, and what went wrong."""

    exercise: str
    subject: str  # "solution", "starter", "right/<name>", "wrong/<name>"
    expectation: str
    seeds: int
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _full_marks(ex: Exercise, folder: Path, seeds: range, scratch: Path, scale: float) -> list[str]:
    lost = []
    with schedules(scale=scale, shrink=False):
        for seed in seeds:
            for test, result in run_suite(ex, folder, seed, scratch=scratch).items():
                if not result.passed:
                    first = result.feedback.strip().splitlines()[0] if result.feedback.strip() else ""
                    lost.append(f"seed {seed}: {test} failed: {first}")
    return lost


def validate_exercise(exercise: str | Exercise, *, seeds: int = 10, scale: float = 1.0,
                      progress: Callable[[Check], None] | None = None) -> list[Check]:
    """Every check of one exercise (see the module's docstring); ``seeds`` base seeds 1..seeds each."""
    from autograder.testing import IDEAS

    ex = _exercise(exercise)
    checks: list[Check] = []
    sweep = range(1, seeds + 1)
    scratch = Path(tempfile.mkdtemp(prefix="ag-validate-"))

    def done(check: Check) -> None:
        checks.append(check)
        if progress is not None:
            progress(check)

    try:
        if not ex.hidden_suite.is_file():
            done(Check(ex.name, "hidden suite", "exists", 0, [f"{ex.hidden_suite} is missing"]))
            return checks
        tests = hidden_tests(ex)
        total = sum(t.points for t in tests)
        check = Check(ex.name, "hidden suite", f"worth {ex.points} points", 0)
        if not tests:
            check.problems.append("the suite has no tests")
        elif total != ex.points and not _overridden(ex):
            check.problems.append(f"its points markers add up to {total:g}, but the exercise declares {ex.points}")
        done(check)

        solution = ex.solution
        check = Check(ex.name, "solution", "full marks on every seed", seeds)
        if solution is None or not solution.is_file():
            check.problems.append("there is no reference solution")
        else:
            folder = stage(solution, ex, scratch / "solution")
            check.problems += _full_marks(ex, folder, sweep, scratch, scale)
        done(check)

        check = Check(ex.name, "starter", "0 points, every test failing, no crash", 1)
        try:
            starter = ex.starter
        except FileNotFoundError:
            starter = None
        if starter is None or not starter.is_file():
            check.problems.append("there is no starter file")
        else:
            folder = stage(starter, ex, scratch / "starter")
            for test, result in run_suite(ex, folder, 1, scratch=scratch).items():
                if result.points:
                    check.problems.append(f"{test} gives the starter {result.points:g} points")
                elif not result.feedback.strip():
                    check.problems.append(f"{test} failed without telling the student why")
        done(check)

        data = manifest(ex)
        listed_right = data.get("right", {})
        listed_wrong = data.get("wrong", {})
        names = {t.name for t in tests}
        for path in samples(ex, "wrong"):
            aimed = listed_wrong.get(path.stem)
            check = Check(ex.name, f"wrong/{path.stem}", "loses " + ", ".join(aimed or ["?"]), seeds)
            if not aimed:
                check.problems.append("manifest.json names no test this sample must lose")
                done(check)
                continue
            unknown = [t for t in aimed if t not in names]
            if unknown:
                check.problems.append(f"manifest.json aims it at {unknown[0]}, which the suite does not have")
                done(check)
                continue
            folder = stage(path, ex, scratch / f"wrong-{path.stem}")
            with schedules(scale=1.0, shrink=False):
                for seed in sweep:
                    results = run_suite(ex, folder, seed, only=list(aimed), scratch=scratch)
                    for test, idea in aimed.items():
                        result = results[test]
                        if result.passed:
                            check.problems.append(f"seed {seed}: escaped {test}")
                        elif seed == 1 and idea and not any(IDEAS.get(one, one) in result.feedback
                                                            for one in (idea if isinstance(idea, list) else [idea])):
                            check.problems.append(f"{test}'s feedback does not explain the idea {idea!r}")
            done(check)
        for name in sorted(set(listed_wrong) - {p.stem for p in samples(ex, "wrong")}):
            done(Check(ex.name, f"wrong/{name}", "exists", 0, ["manifest.json lists it, but there is no such file"]))
        for path in samples(ex, "right"):
            check = Check(ex.name, f"right/{path.stem}", "full marks on every seed", seeds)
            folder = stage(path, ex, scratch / f"right-{path.stem}")
            check.problems += _full_marks(ex, folder, sweep, scratch, scale)
            done(check)
        for name in sorted(set(listed_right) - {p.stem for p in samples(ex, "right")}):
            done(Check(ex.name, f"right/{name}", "exists", 0, ["manifest.json lists it, but there is no such file"]))
    except ValidationError as exc:
        done(Check(ex.name, "suite", "runs", 0, [str(exc)]))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return checks


def _overridden(ex: Exercise) -> bool:
    from autograder import course

    return bool(course.points_override(ex.name))


def render(checks: list[Check]) -> str:
    """The table ``validate`` prints: one row per check, then what went wrong under each failing row."""
    rows = [("exercise", "checked", "expected", "seeds", "result")]
    rows += [(c.exercise, c.subject, c.expectation, str(c.seeds) if c.seeds else "-", "ok" if c.ok else "FAIL")
             for c in checks]
    widths = [min(48, max(len(r[i]) for r in rows)) for i in range(5)]
    lines = []
    for index, row in enumerate(rows):
        lines.append("  ".join(cell[:widths[i]].ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    failed = [c for c in checks if not c.ok]
    for check in failed:
        lines.append("")
        lines.append(f"{check.exercise} {check.subject}:")
        shown = check.problems[:8]
        lines += [f"  - {p}" for p in shown]
        if len(check.problems) > len(shown):
            lines.append(f"  - ... and {len(check.problems) - len(shown)} more")
    lines.append("")
    lines.append(f"{len(checks) - len(failed)} of {len(checks)} checks passed."
                 + (" Fix the suite (or the samples) before students see it." if failed else ""))
    return "\n".join(lines)
