"""pytest plugin for course suites: points, the student's module, per-test seeds, Faker data, results.

A course suite is a test module with a ``STUDENT_MODULE = "counter"`` global. For its tests the
plugin

* loads the student's file afresh for every test (fixture ``student``), from ``--ag-submission``
  or the test file's own folder;
* derives one seed per test from the base seed ``--ag-seed`` and the test's name (fixture
  ``race_seed``), so schedules and test data (fixture ``fake``, a seeded Faker) replay exactly;
* reads points from ``@pytest.mark.points(n)``;
* replaces tracebacks with feedback written for a student, and with ``--ag-results FILE`` writes
  one JSON record per test for the grader.

A runner that calls pytest in-process can hand the plugin the student's module itself instead of a
file: it stores a loader under :data:`STUDENT_LOADER` in the config's stash (the notebook
integration builds the module from the code a notebook defines).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import random
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ..race.primitives import created_as_models
from .feedback import CONTEXT, Mistake, undefined_name
from .threads import os_threads, settles_to

RESULT_KEY = "autograder_result"

STUDENT_LOADER: pytest.StashKey[Callable[[str], Any]] = pytest.StashKey()
"""Stash key: a callable that returns a fresh student module for a module name (in-process runners)."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("autograder", "threadgrader course suites")
    group.addoption("--ag-submission", default=None, metavar="DIR",
                    help="folder with the student's files (default: the test file's folder)")
    group.addoption("--ag-seed", type=int, default=None, metavar="N",
                    help="base seed for schedules and test data (default: random, shown in the header)")
    group.addoption("--ag-results", default=None, metavar="FILE",
                    help="write one JSON record per course test to FILE")
    group.addoption("--ag-replay", default=None, metavar="TEMPLATE",
                    help="how a student replays a failure; {seed}, {test}, {file} and {module} are filled in")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "points(n): how many points a course test is worth")
    workerinput = getattr(config, "workerinput", None)
    seed = config.getoption("ag_seed")
    if workerinput is not None and "ag_seed" in workerinput:
        seed = workerinput["ag_seed"]
    if seed is None:
        seed = random.SystemRandom().randrange(1 << 31)
    config._ag_seed = seed  # type: ignore[attr-defined]
    config._ag_results = {}  # type: ignore[attr-defined]
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_XdistSeed(), "autograder-xdist-seed")
    config.pluginmanager.register(_Results(config), "autograder-results")


class _XdistSeed:
    """Gives every xdist worker the controller's base seed."""

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        node.workerinput["ag_seed"] = node.config._ag_seed


def pytest_report_header(config: pytest.Config) -> str:
    return f"autograder: base seed {config._ag_seed} (pass --ag-seed {config._ag_seed} to replay)"  # type: ignore[attr-defined]


def test_seed(base: int, test_name: str) -> int:
    """The seed of one test: stable across machines, runs and ways of invoking pytest."""
    digest = hashlib.sha256(f"{base}:{test_name}".encode()).digest()
    return int.from_bytes(digest[:4], "little")


def _is_course_item(item: pytest.Item) -> bool:
    return hasattr(getattr(item, "module", None), "STUDENT_MODULE")


def _points(item: pytest.Item) -> int:
    marker = item.get_closest_marker("points")
    if marker is None or not marker.args:
        return 0
    return int(marker.args[0])


def _title(item: pytest.Item) -> str:
    doc = getattr(getattr(item, "function", None), "__doc__", None)
    if doc and doc.strip():
        return doc.strip().splitlines()[0]
    return item.name.removeprefix("test_").replace("_", " ")


# ----------------------------------------------------------------------------------- fixtures


@pytest.fixture
def race_seed(request: pytest.FixtureRequest) -> int:
    """This test's seed for the race engine (and for its Faker data)."""
    return test_seed(request.config._ag_seed, request.node.name)  # type: ignore[attr-defined]


_FAKER: list[Any] = []  # [faker, what it looked like]: one per process (see _seeded_faker)


def _faker_state(generator: Any) -> tuple[Any, ...]:
    """What must not change between two tests that share a Faker: its attributes, its generators'
    attributes and their provider lists (each compared by identity)."""
    state: list[Any] = [tuple(vars(generator).items())]
    for factory in getattr(generator, "_factories", ()):
        state.append(tuple(vars(factory).items()))
        state.append(tuple(getattr(factory, "providers", ())))
    return tuple(state)


def _same_state(now: tuple[Any, ...], then: tuple[Any, ...]) -> bool:
    if len(now) != len(then):
        return False
    for a, b in zip(now, then):
        if len(a) != len(b):
            return False
        for x, y in zip(a, b):
            if isinstance(x, tuple):
                if x[0] != y[0] or x[1] is not y[1]:
                    return False
            elif x is not y:
                return False
    return True


def _seeded_faker(seed: int) -> Any:
    """A Faker seeded with ``seed``, as a new ``Faker()`` seeded so would be.

    Building one costs about 1 ms (it loads every provider of its locale), once per test otherwise;
    so the process keeps one and reseeds it (each generator's own ``random.Random``), clears what
    ``fake.unique`` has handed out, and builds a new one whenever anything of it was replaced.
    """
    if _FAKER:
        generator, state = _FAKER
        if _same_state(_faker_state(generator), state):
            generator.seed_instance(seed)
            generator.unique.clear()
            return generator
        _FAKER.clear()
    from faker import Faker

    generator = Faker()
    generator.seed_instance(seed)  # the first seed gives each generator its own random.Random
    _FAKER[:] = [generator, _faker_state(generator)]
    return generator


@pytest.fixture
def fake(race_seed: int) -> Any:
    """A Faker seeded from the test's seed: data the student cannot predict, the same on replay."""
    return _seeded_faker(race_seed)


@pytest.fixture
def submission_dir(request: pytest.FixtureRequest) -> Path:
    option = request.config.getoption("ag_submission")
    if option:
        return Path(option).resolve()
    return Path(str(request.node.fspath)).resolve().parent


@pytest.fixture
def student(request: pytest.FixtureRequest, submission_dir: Path) -> Any:
    """The student's module for this suite, imported afresh for this test."""
    name = request.module.STUDENT_MODULE
    loader = request.config.stash.get(STUDENT_LOADER, None)
    if loader is not None:
        return loader(name)
    return load_student_module(name, submission_dir)


def load_student_module(name: str, folder: Path) -> Any:
    """Import ``folder/name.py`` as module ``name`` (a fresh copy); explain what goes wrong."""
    path = Path(folder) / f"{name}.py"
    if not path.is_file():
        raise Mistake(f"There is no {name}.py in your submission, so none of this exercise could be checked.")
    sys.modules.pop(name, None)
    folder_text = str(Path(folder).resolve())
    if folder_text not in sys.path:
        # last, so worker processes can import it by name while nothing in the folder can stand in
        # for a module of the standard library, pytest, Faker or the grader
        sys.path.append(folder_text)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[name] = module
    threads = os_threads()
    try:
        created_as_models(spec.loader.exec_module, module)  # type: ignore[union-attr]
    except SyntaxError as exc:
        sys.modules.pop(name, None)
        raise Mistake(
            f"{name}.py has a syntax error on line {exc.lineno}: {exc.msg}. Python could not run any of it."
        ) from None
    except BaseException as exc:  # noqa: BLE001 - any failure while importing is the student's to see
        sys.modules.pop(name, None)
        where = _student_location(exc, [Path(folder)])
        raise Mistake(
            f"Importing {name}.py failed with {type(exc).__name__}: {exc}{where}. "
            "Code at the top level of your file runs on import; keep it to definitions."
        ) from None
    if os_threads() > threads and not settles_to(threads):
        # a thread of the student's running beside the test and the grader, outside any control: it
        # could change or read the grader's objects while they work
        sys.modules.pop(name, None)
        refused = Mistake(
            f"Importing {name}.py started a thread that was still running afterwards, so this test was not "
            "run. Code at the top level of your file runs as soon as it is imported: keep it to definitions "
            "(classes, functions, constants) and start threads only inside your functions, joining them "
            "before those return."
        )
        refused.whole_exercise = True  # type: ignore[attr-defined] # every test of it would import it the same way
        raise refused
    return module


# --------------------------------------------------------------------------------- the results


def _student_location(exc: BaseException, folders: list[Path]) -> str:
    bases = [str(Path(f).resolve()) for f in folders]
    last = None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        filename = os.path.realpath(frame.f_code.co_filename)
        if any(filename.startswith(base + os.sep) for base in bases):
            last = (os.path.basename(filename), lineno or frame.f_code.co_firstlineno, frame.f_code.co_name)
    if last is None:
        return ""
    return f" (in {last[2]}, {last[0]} line {last[1]})"


def feedback_for(excinfo: pytest.ExceptionInfo, folders: list[Path], module: str = "") -> tuple[str, dict | None]:
    """Student-facing text for a failed test, without the grader's own frames."""
    exc = excinfo.value
    if isinstance(exc, Mistake):
        return exc.text(), exc.outcome
    if isinstance(exc, AssertionError):
        message = str(exc).split("\nassert ")[0].strip() or "A check failed."
        return message, None
    where = _student_location(exc, folders)
    if isinstance(exc, AttributeError):
        missing = undefined_name(str(exc), module)
        if missing:
            return missing, None
    text = f"Your code raised {type(exc).__name__}: {exc}{where}."
    if isinstance(exc, NotImplementedError):
        text = f"This part is not written yet: your code raised NotImplementedError{where}."
    return text, None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    outcome = yield
    report = outcome.get_result()
    if not _is_course_item(item):
        return
    if report.when == "call" or (report.when == "setup" and not report.passed):
        folders = []
        option = item.config.getoption("ag_submission")
        folders.append(Path(option) if option else Path(str(item.fspath)).parent)
        feedback, race_outcome = ("", None)
        notes = list(CONTEXT.notes)
        if report.failed and call.excinfo is not None:
            feedback, race_outcome = feedback_for(call.excinfo, folders,
                                                  getattr(getattr(item, "module", None), "STUDENT_MODULE", ""))
            if notes:
                feedback = "\n\n".join([feedback, *(f"Note: {text}" for text in notes)])
            report.longrepr = feedback  # what pytest shows: the student's feedback, not a traceback
        points = _points(item)
        status = "passed" if report.passed else ("skipped" if report.skipped else "failed")
        if report.when == "setup" and report.failed:
            status = "error"
        record = {
            "id": item.nodeid,
            "suite": str(item.path),
            "name": item.name,
            "title": _title(item),
            "max_points": points,
            "points": points if report.passed else 0,
            "status": status,
            "feedback": feedback,
            "notes": notes,
            "outcome": race_outcome,
            "seed": test_seed(item.config._ag_seed, item.name),  # type: ignore[attr-defined]
            "duration": round(report.duration, 6),
        }
        if report.failed and call.excinfo is not None and getattr(call.excinfo.value, "whole_exercise", False):
            record["whole_exercise"] = True  # the grader gives the exercise's other tests this verdict
        report.user_properties.append((RESULT_KEY, record))


def pytest_runtest_setup(item: pytest.Item) -> None:
    if not _is_course_item(item):
        return
    seed = item.config._ag_seed  # type: ignore[attr-defined]
    template = item.config.getoption("ag_replay") or "pytest {file} -k {test} --ag-seed {seed}"
    CONTEXT.seed = test_seed(seed, item.name)
    module = getattr(getattr(item, "module", None), "STUDENT_MODULE", "")
    CONTEXT.replay = template.format(seed=seed, test=item.name, file=os.path.basename(str(item.fspath)),
                                     module=module)
    CONTEXT.notes = []
    CONTEXT.extra["student_module"] = module


def pytest_runtest_teardown(item: pytest.Item) -> None:
    CONTEXT.seed = None
    CONTEXT.replay = ""


class _Results:
    """Collects the result records; holds the config itself, so no module global leads to it."""

    def __init__(self, config: pytest.Config) -> None:
        self._config = config

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for key, value in getattr(report, "user_properties", []):
            if key == RESULT_KEY:
                # node ids lose their folder for suites outside the rootdir: key by file as well
                self._config._ag_results[(value.get("suite", ""), value["id"])] = value  # type: ignore[attr-defined]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    path = config.getoption("ag_results")
    if not path or getattr(config, "workerinput", None) is not None:
        return
    records = sorted(config._ag_results.values(),  # type: ignore[attr-defined]
                     key=lambda r: (r.get("suite", ""), r["id"]))
    data = {
        "seed": config._ag_seed,  # type: ignore[attr-defined]
        "finished": time.time(),
        "tests": records,
    }
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1)
    os.replace(tmp, path)
