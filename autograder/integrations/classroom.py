"""GitHub Classroom: a workflow for student repositories, and the step that reports points.

``init`` writes ``.github/workflows/classroom.yml``. On every push it installs the grader, runs
``autograder classroom report`` (which grades the repository in the sandbox and writes its result to
``$GITHUB_OUTPUT`` as ``result``: base64 JSON in the format of GitHub Classroom's graders, one entry
per test with its score) and hands that to ``classroom-resources/autograding-grading-reporter``,
which sums the points and posts ``Points X/Y`` on the "Autograding Tests" check run, which is where
GitHub Classroom reads a grade.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

import autograder
from autograder.grading import catalog as catalog_mod
from autograder.grading import sandbox
from autograder.grading.discover import find_files
from autograder.grading.export import test_output
from autograder.grading.grader import grade_submission, resolve_seed_for_single
from autograder.grading.model import SubmissionResult

RUNNER = "threadgrader"
WORKFLOW_PATH = Path(".github") / "workflows" / "classroom.yml"

WORKFLOW = """\
# Written by `autograder classroom init`: grades this repository on every push and reports the
# points to GitHub Classroom (through the grading reporter's "Points X/Y" on this check run).
name: Autograding Tests
'on':
  - push
  - repository_dispatch
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    name: Autograding Tests
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    timeout-minutes: 20
    steps:
      - name: Checkout code
        uses: actions/checkout@v4
      - name: Set up Python
        uses: actions/setup-python@v5
        with:
          python-version: '{python}'
      - name: Install the grader
        run: python -m pip install {package}
{course_step}      - name: Grade
        id: {runner}
        run: autograder classroom report .{course_option}
      - name: Autograding Reporter
        uses: classroom-resources/autograding-grading-reporter@v1
        env:
          {env_name}: "${{{{ steps.{runner}.outputs.result }}}}"
        with:
          runners: {runner}
"""


COURSE_DIR = ".autograder-course"
# a course folder's hidden suites stay out of the students' repositories: the workflow checks out the
# instructor's (private) course repository, named by the organisation variable, with a read token
COURSE_STEP = """\
      - name: Check out the course's hidden suites
        uses: actions/checkout@v4
        with:
          repository: ${{{{ vars.AUTOGRADER_COURSE_REPOSITORY }}}}
          token: ${{{{ secrets.AUTOGRADER_COURSE_TOKEN }}}}
          path: {path}
"""


def workflow_text(package: str | None = None, python: str = "3.11", course: bool = False) -> str:
    """The workflow; with ``course``, it grades with the course folder checked out beside the student's code."""
    spec = package or f"threadgrader=={autograder.__version__}"
    quoted = "'" + spec.replace("'", "''") + "'"
    return WORKFLOW.format(package=quoted, python=python, runner=RUNNER, env_name=f"{RUNNER.upper()}_RESULTS",
                           course_step=COURSE_STEP.format(path=COURSE_DIR) if course else "",
                           course_option=f" --course {COURSE_DIR}" if course else "")


def init(folder: Path, *, package: str | None = None, force: bool = False, course: Any = None) -> Path:
    """Write the workflow into the student repository ``folder``.

    With a course folder in use, the workflow checks out the course repository named by the
    organisation variable ``AUTOGRADER_COURSE_REPOSITORY`` (token in the secret
    ``AUTOGRADER_COURSE_TOKEN``) into ``.autograder-course`` and grades with ``--course``.
    """
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder")
    path = folder / WORKFLOW_PATH
    if path.exists() and not force:
        raise FileExistsError(f"{path} already exists (pass --force to replace it)")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(workflow_text(package, course=course is not None), encoding="utf-8")
    return path


def classroom_result(result: SubmissionResult) -> dict[str, Any]:
    """The grader result GitHub Classroom's reporter reads: status, max_score and per-test scores."""
    tests = []
    for exercise, test in result.tests():
        tests.append({
            "name": f"{exercise.name}: {test.title}",
            "status": "pass" if test.passed else "fail",
            "message": test_output(exercise, test),
            "line_no": 0,
            "execution_time": f"{test.duration:.2f}s",
            "score": test.points,
        })
    everything = all(t.passed for _, t in result.tests())
    return {"version": 1, "status": "pass" if everything else "fail", "max_score": result.max_points,
            "tests": tests}


def report(repository: Path, *, seed: int | None = None, limits: sandbox.Limits = sandbox.DEFAULT_LIMITS,
           github_output: str | None = None) -> tuple[SubmissionResult, str]:
    """Grade the repository; append ``result=<base64>`` to GITHUB_OUTPUT when it is set."""
    exercises = catalog_mod.available_exercises(hidden=True)
    catalogs = catalog_mod.collect(exercises, hidden=True)
    files = find_files(repository.resolve().name or "repository", repository.resolve())
    result = grade_submission(files, catalogs, seed=resolve_seed_for_single(seed), limits=limits)
    encoded = base64.b64encode(json.dumps(classroom_result(result)).encode()).decode()
    target = github_output if github_output is not None else os.environ.get("GITHUB_OUTPUT")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(f"result={encoded}\n")
    return result, encoded
