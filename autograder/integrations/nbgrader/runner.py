"""Runs a course suite's tests inside this process, and lists a suite's tests with their points.

The notebook kernel grades with it (the student's code lives in the kernel's memory, so the suite
must run there too), and ``autograder nbgrader init`` uses it to learn each test's name, title and
points. Both go through pytest and the course plugin, so points and feedback are exactly the
plugin's. Everything pytest prints is swallowed: its reports quote the suite's source, and a
hidden suite's source must never reach a notebook's output.
"""

from __future__ import annotations

import atexit
import io
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from autograder.testing.feedback import CONTEXT
from autograder.testing.plugin import RESULT_KEY, STUDENT_LOADER, _points, _title


@dataclass(frozen=True)
class SuiteTest:
    """One test of a course suite, as the gradebook sees it."""

    name: str  # the pytest item name: test_x, or test_x[param] for a parametrized test
    title: str  # its docstring's first line, or its name in words
    points: int  # from @pytest.mark.points(n); 0 when it has none


class RunnerError(RuntimeError):
    """pytest could not run the suite. ``details`` is pytest's own output: it may quote the
    suite's source, so it is for the instructor's eyes only."""

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.details = details


class _Recorder:
    """A pytest plugin object: hands over the student loader and collects what the run produced."""

    def __init__(self, loader: Callable[[str], Any] | None) -> None:
        self.loader = loader
        self.records: dict[str, dict] = {}
        self.items: list[SuiteTest] = []
        self.collect_errors: list[str] = []

    @pytest.hookimpl(trylast=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        if self.loader is not None:
            config.stash[STUDENT_LOADER] = self.loader

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collect_errors.append(report.nodeid)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.items = [SuiteTest(item.name, _title(item), _points(item)) for item in session.items]

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for key, value in report.user_properties:
            if key == RESULT_KEY:
                self.records[value["name"]] = value


_INI_DIR: Path | None = None


def _ini_file() -> Path:
    """An empty pytest.ini, so no project's configuration (addopts, plugins) changes the run."""
    global _INI_DIR
    if _INI_DIR is None or not (_INI_DIR / "pytest.ini").is_file():
        _INI_DIR = Path(tempfile.mkdtemp(prefix="autograder-pytest-"))
        atexit.register(shutil.rmtree, _INI_DIR, True)
        (_INI_DIR / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    return _INI_DIR / "pytest.ini"


def _base_args(suite: Path) -> list[str]:
    ini = _ini_file()
    args = [
        "-c", str(ini), "--rootdir", str(ini.parent), "--confcutdir", str(suite.parent),
        "-p", "no:cacheprovider", "-p", "no:xdist", "-p", "no:faulthandler", "-p", "no:randomly",
        "--capture=sys", "-q", "--no-header",
    ]
    if os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD"):
        args += ["-p", "autograder.testing.plugin"]
    return args


@contextmanager
def _quiet() -> Iterator[io.StringIO]:
    """Send everything pytest writes to a buffer instead of the notebook's output, and leave the
    course plugin's per-process state as it was (this run may be nested in another pytest run)."""
    buffer = io.StringIO()
    saved = sys.stdout, sys.stderr, os.environ.pop("PYTEST_ADDOPTS", None)
    context = (CONTEXT.seed, CONTEXT.replay)
    sys.stdout = sys.stderr = buffer
    try:
        yield buffer
    finally:
        sys.stdout, sys.stderr = saved[0], saved[1]
        if saved[2] is not None:
            os.environ["PYTEST_ADDOPTS"] = saved[2]
        CONTEXT.seed, CONTEXT.replay = context


def list_tests(suite: Path) -> list[SuiteTest]:
    """The tests of ``suite`` in file order, with titles and points (collects, runs nothing)."""
    suite = Path(suite).resolve()
    recorder = _Recorder(None)
    with _quiet() as output:
        code = pytest.main([*_base_args(suite), "--collect-only", str(suite)], plugins=[recorder])
    if recorder.collect_errors or code not in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        raise RunnerError(f"pytest could not collect {suite.name} (exit code {int(code)})", output.getvalue())
    return recorder.items


def run_tests(
    suite: Path,
    names: list[str],
    *,
    seed: int,
    submission_dir: Path,
    loader: Callable[[str], Any] | None = None,
    replay: str | None = None,
) -> dict[str, dict]:
    """Run the tests ``names`` of ``suite`` here and now; the plugin's record for each, by name.

    ``loader`` gives the ``student`` fixture its module (see ``STUDENT_LOADER``); ``seed`` is the
    base seed (``--ag-seed``), so a test's schedules and data are those of a command-line run with
    the same base seed. A KeyboardInterrupt that stopped pytest is raised again here. A test that
    produced no record (pytest failed to collect or start it) is missing from the result.
    """
    suite = Path(suite).resolve()
    args = [*_base_args(suite), "--ag-seed", str(seed), "--ag-submission", str(submission_dir)]
    if replay:
        args += ["--ag-replay", replay]
    args += [f"{suite}::{name}" for name in names]
    recorder = _Recorder(loader)
    with _quiet() as output:
        code = pytest.main(args, plugins=[recorder])
    if code == pytest.ExitCode.INTERRUPTED:
        raise KeyboardInterrupt
    if recorder.collect_errors or code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        raise RunnerError(f"pytest could not run {suite.name} (exit code {int(code)})", output.getvalue())
    return recorder.records
