"""Runs a hidden suite in this process against one submission: points and feedback per test, fast.

The meta-tests sweep every zoo sample over many seeds; starting pytest for each (sample, seed)
would cost a second apiece. ``run_suite`` instead calls the suite's test functions directly and
gives them the same fixtures the plugin gives (``student``, ``fake``, ``race_seed``,
``submission_dir``, ``tmp_path``, ``monkeypatch``), seeded the same way (``plugin.test_seed``),
and turns a failure into the same student feedback (``plugin.feedback_for``). The meta-tests
also run the suites once through real pytest, so both paths are covered.

Budget knob: ``schedules(scale=..., shrink=...)`` multiplies the number of schedules every
``race_check`` explores (``runs``), and can skip shrinking a failure to its fewest preemptions.
The verdict of a check does not depend on shrinking; only the interleaving shown does. Seed
``s`` explores the same schedules in the same order whatever the scale, so a scaled-down run
explores a prefix of what the grader explores.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import math
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from faker import Faker

import autograder.race
from autograder.exercises import EXERCISES
from autograder.testing.feedback import CONTEXT
from autograder.testing.plugin import feedback_for, load_student_module, test_seed

ALLOWED_FIXTURES = {"student", "fake", "race_seed", "submission_dir", "tmp_path", "monkeypatch"}
ZOO = Path(__file__).resolve().parent / "zoo"


@dataclass(frozen=True)
class HiddenTest:
    name: str
    function: Any
    points: int
    fixtures: tuple[str, ...]


@dataclass
class Result:
    name: str
    points: int
    max_points: int
    feedback: str

    @property
    def passed(self) -> bool:
        return self.points == self.max_points and not self.feedback  # public tests carry no points


def suite_module(exercise: str) -> Any:
    return importlib.import_module(f"autograder.exercises.{exercise}.hidden_tests")


def hidden_tests(exercise: str) -> list[HiddenTest]:
    """The suite's test functions in the order they are written, with their points."""
    return _tests_of(suite_module(exercise))


def _tests_of(module: Any) -> list[HiddenTest]:
    found = []
    for name, function in vars(module).items():
        if not name.startswith("test_") or not inspect.isfunction(function):
            continue
        marks = [m for m in getattr(function, "pytestmark", []) if m.name == "points"]
        points = int(marks[0].args[0]) if marks and marks[0].args else 0
        fixtures = tuple(inspect.signature(function).parameters)
        found.append(HiddenTest(name, function, points, fixtures))
    found.sort(key=lambda t: t.function.__code__.co_firstlineno)
    return found


@contextmanager
def schedules(scale: float = 1.0, shrink: bool = True) -> Iterator[None]:
    """Within the block, every explore() runs ``ceil(runs * scale)`` schedules (at least one)."""
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


def stage(sample: Path, exercise: str, folder: Path) -> Path:
    """Copy a zoo sample into ``folder`` under the name the suite imports (counter.py, ...)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(sample, folder / EXERCISES[exercise].file_name)
    return folder


def run_suite(exercise: str, submission: Path, base_seed: int, *, only: list[str] | None = None,
              scratch: Path | None = None) -> dict[str, Result]:
    """Run the hidden suite of ``exercise`` on the submission folder; one Result per test run."""
    module = suite_module(exercise)
    results = {}
    own_scratch = scratch is None
    scratch = Path(tempfile.mkdtemp(prefix="ag-meta-")) if scratch is None else scratch
    try:
        for test in hidden_tests(exercise):
            if only is not None and test.name not in only:
                continue
            results[test.name] = _run_one(module, test, submission, base_seed, scratch)
    finally:
        if own_scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    return results


def _run_one(module: Any, test: HiddenTest, submission: Path, base_seed: int, scratch: Path) -> Result:
    seed = test_seed(base_seed, test.name)
    CONTEXT.seed = seed
    CONTEXT.replay = f"pytest {Path(module.__file__).name} -k {test.name} --ag-seed {base_seed}"
    CONTEXT.notes = []
    patcher = pytest.MonkeyPatch()
    student_name = module.STUDENT_MODULE
    feedback = ""
    try:
        kwargs = {}
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
                raise RuntimeError(f"{test.name} asks for fixture {fixture!r}, which hidden suites may not use")
        test.function(**kwargs)
    except Exception as exc:  # noqa: BLE001 - every failure of a hidden test costs its points
        feedback, _ = feedback_for(pytest.ExceptionInfo.from_exception(exc), [submission])
        if not feedback:
            feedback = f"{type(exc).__name__}: {exc}"
    finally:
        patcher.undo()
        sys.modules.pop(student_name, None)
        CONTEXT.seed = None
        CONTEXT.replay = ""
    return Result(test.name, 0 if feedback else test.points, test.points, feedback)


def samples(exercise: str, kind: str, group: str = "") -> list[Path]:
    """The zoo's ``right`` or ``wrong`` samples of an exercise, sorted by name; ``group="realistic"``
    for the samples written the way students write (``zoo/<exercise>/realistic/<kind>/``)."""
    folder = ZOO / exercise / group / kind if group else ZOO / exercise / kind
    return sorted(folder.glob("*.py"))


def run_public(exercise: str, submission: Path, base_seed: int, *, scratch: Path | None = None) -> dict[str, Result]:
    """Run the public tests of ``exercise`` on the submission folder, the way ``autograder check`` does."""
    path = EXERCISES[exercise].public_tests
    spec = importlib.util.spec_from_file_location(f"_public_{exercise}", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    module.STUDENT_MODULE = getattr(module, "STUDENT_MODULE", EXERCISES[exercise].file_name.removesuffix(".py"))
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
