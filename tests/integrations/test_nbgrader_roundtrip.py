"""A whole nbgrader round trip with real nbgrader, a real kernel and the real hidden suites.

``autograder nbgrader init`` writes a course; ``nbgrader generate_assignment`` releases it; students
submit (a correct notebook; a flawed one: a racy counter, a lock held while fetching; an unanswered
one; and one whose extra cell deadlocks); ``nbgrader autograde``, ``generate_feedback`` and
``export`` follow. The exported points must be exactly those of the command line (the course suites
run by pytest with the course plugin on the same code and seed), every failed check's feedback must
carry the command line's explanation and interleaving, and no feedback may quote a hidden suite.

Everything is derived from the exercise registry and the suites' markers, so the test covers every
exercise whose solution and hidden suite exist, and stays right as more of them land.
"""

from __future__ import annotations

import ast
import csv
import difflib
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat  # from the nbgrader extra, which README's test command installs
import pytest

import autograder
from autograder.exercises.starter import BEGIN, END
from autograder.integrations.nbgrader import course as nbcourse
from autograder.integrations.nbgrader.course import HIDDEN_BEGIN, ExercisePlan

from .nbhelpers import html_text, jupyter_env, quoted_secrets, run, secret_lines

SEED = 4242  # base seed for notebooks and command line alike
EXECUTE_TIMEOUT = 20  # nbgrader's per-cell limit in this test (the course's own default is larger)
CHECK_TIMEOUT = 18  # each check's own limit, below nbgrader's
DEADLOCK_CELL = (
    "# trying things out: this takes a plain Lock twice and waits forever\n"
    "import threading\n"
    "stuck = threading.Lock()\n"
    "stuck.acquire()\n"
    "stuck.acquire()\n"
)


# ----------------------------------------------------------------------------- flawed answers


_LOCK_WITH = re.compile(r"^(?P<indent>\s*)with (?P<expr>[^:]*(lock|mutex)[^:]*):\s*$", re.IGNORECASE)


def _regions(solution: str) -> list[tuple[int, int]]:
    """(first, last) line indexes of each answer region's body."""
    lines, spans, start = solution.splitlines(), [], None
    for i, line in enumerate(lines):
        if line.strip() == BEGIN:
            start = i + 1
        elif line.strip() == END and start is not None:
            spans.append((start, i - 1))
            start = None
    return spans


def without_locks(solution: str) -> str:
    """A racy answer: every ``with <lock>:`` in an answer region becomes ``if True:``."""
    lines = solution.splitlines()
    for first, last in _regions(solution):
        for i in range(first, last + 1):
            match = _LOCK_WITH.match(lines[i])
            if match:
                lines[i] = f"{match['indent']}if True:"
    return "\n".join(lines)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def lock_held_while_working(solution: str) -> str:
    """An answer that takes its lock too early: each ``with <lock>:`` in an answer region moves up
    to the start of its block, so the work before it (a fetch, a computation) runs under the lock."""
    lines = solution.splitlines()
    for first, last in _regions(solution):
        for i in range(first, last + 1):
            match = _LOCK_WITH.match(lines[i])
            if not match:
                continue
            level = len(match["indent"])
            start = i
            while start > first and (not lines[start - 1].strip() or _indent(lines[start - 1]) >= level):
                start -= 1
            while start < i and not lines[start].strip():
                start += 1
            body = next((line for line in lines[i + 1:] if line.strip()), "")
            step = _indent(body) - level
            if start == i or step <= 0:
                continue
            moved = [" " * step + line if line.strip() else line for line in lines[start:i]]
            lines[start:i + 1] = [lines[i], *moved]
    return "\n".join(lines)


# which flaw each exercise's flawed student makes; the others get the first flaw that changes their code
FLAWS = {"counter": [without_locks], "file_writer": [lock_held_while_working]}
DEFAULT_FLAWS = [lock_held_while_working, without_locks]


def flawed(plan: ExercisePlan) -> str:
    for flaw in FLAWS.get(plan.exercise.name, DEFAULT_FLAWS):
        code = flaw(plan.solution.rstrip())
        if code != plan.solution.rstrip():
            ast.parse(code)  # a flaw in the threading, not a syntax error
            return code
    return plan.solution.rstrip()


def test_flaws_change_the_threading_and_nothing_else():
    solution = (
        "import threading\nlock = threading.Lock()\nlog = []\n\n"
        "def fetch_all(urls):\n"
        "    ### BEGIN SOLUTION\n"
        "    for url in urls:\n"
        "        page = url.upper()\n"
        "\n"
        "        with lock:\n"
        "            log.append(page)\n"
        "    return len(log)\n"
        "    ### END SOLUTION\n"
    )
    late = lock_held_while_working(solution)
    assert late.splitlines()[6:11] == [
        "    for url in urls:", "        with lock:", "            page = url.upper()", "",
        "            log.append(page)",
    ]
    namespace: dict = {}
    exec(late, namespace)  # noqa: S102 - the test's own code
    assert namespace["fetch_all"](["a", "b"]) == 2 and namespace["log"] == ["A", "B"]
    racy = without_locks(solution)
    assert "with lock:" not in racy and "        if True:" in racy
    outside = "import threading\nlock = threading.Lock()\nwith lock:\n    pass"
    assert without_locks(outside) == lock_held_while_working(outside) == outside  # only answer regions change


# ----------------------------------------------------------------------- the command line's verdict


PACKAGE_ROOT = Path(autograder.__file__).resolve().parent.parent  # rootdir: node ids keep the suites' paths


class CommandLineRun:
    """One student's files graded the command line's way, in the background: pytest with the
    course plugin, in a process of its own, every hidden suite at once, the same base seed, and the
    files' folder as working folder (so reports name the files as they name them for notebooks)."""

    def __init__(self, plans: list[ExercisePlan], answers: dict[str, str], folder: Path, env: dict[str, str]):
        folder.mkdir(parents=True)
        for name, code in answers.items():
            (folder / f"{name}.py").write_text(code + "\n", encoding="utf-8")
        (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        self.folder = folder
        self.suites = {p.exercise.name: p.exercise.hidden_suite for p in plans if p.exercise.name in answers}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pytest", *map(str, self.suites.values()), "-q", "-p", "no:cacheprovider",
             "-p", "no:xdist", "--rootdir", str(PACKAGE_ROOT), "-c", str(folder / "pytest.ini"),
             "--ag-submission", str(folder), "--ag-seed", str(SEED), "--ag-results", "results.json"],
            env=env, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )

    def records(self) -> dict[str, dict[str, dict]]:
        """The plugin's records, by exercise and test name."""
        output, _ = self.process.communicate(timeout=600)
        assert self.process.returncode in (0, 1), f"pytest could not run the suites:\n{output}"
        results = json.loads((self.folder / "results.json").read_text(encoding="utf-8"))
        by_exercise: dict[str, dict[str, dict]] = {name: {} for name in self.suites}
        for record in results["tests"]:
            name = next(n for n, suite in self.suites.items() if record["id"].split("::")[0].endswith(
                f"{suite.parent.name}/{suite.name}"))
            by_exercise[name][record["name"]] = record
        return by_exercise


def without_replay_line(feedback: str) -> str:
    return feedback.split("\n\nTo see it again:", 1)[0]


# ------------------------------------------------------------------------------- the round trip


def _answer_cell(nb) -> int:
    return next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("solution"))


def _scratch_cell(nb) -> int:
    return next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "nbgrader" not in c.metadata)


def test_round_trip_through_nbgrader(tmp_path):
    started = time.monotonic()
    plans, _ = nbcourse.plans()
    assert plans and plans[0].exercise.name == "counter", "the counter exercise is always complete"
    env = jupyter_env(tmp_path / "jupyter", AUTOGRADER_SEED=str(SEED), AUTOGRADER_CHECK_TIMEOUT=str(CHECK_TIMEOUT))
    course = tmp_path / "course"

    def nbgrader(*args: str) -> None:
        run([sys.executable, "-m", "nbgrader", *args], env, course)

    run([sys.executable, "-m", "autograder.integrations.nbgrader.cli", "init", str(course), "--course-id", "threads"],
        env, tmp_path)
    nbgrader("generate_assignment", "*")

    # what students receive: the starter as the answer cell, hidden tests gone
    released = {}
    for plan in plans:
        name = plan.exercise.name
        nb = nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)
        assert nb.cells[_answer_cell(nb)].source.rstrip() == plan.exercise.starter.read_text().rstrip()
        assert all(HIDDEN_BEGIN not in cell.source and "check(" not in cell.source
                   for cell in nb.cells if cell.metadata.get("nbgrader", {}).get("grade_id", "").startswith(
                       f"{name}-hidden-"))
        released[name] = nb

    # four students: what each one's answer cell holds, per exercise (None: left as released)
    students: dict[str, dict[str, str | None]] = {
        "correct": {p.exercise.name: p.solution.rstrip() for p in plans},
        "flawed": {p.exercise.name: flawed(p) for p in plans},
        "unanswered": {p.exercise.name: None for p in plans},
        "deadlocked": {plans[0].exercise.name: plans[0].solution.rstrip()},  # plus a cell that hangs
    }
    for student, answers in students.items():
        for name, code in answers.items():
            nb = nbformat.from_dict(json.loads(json.dumps(released[name])))
            if code is not None:
                nb.cells[_answer_cell(nb)].source = code
            if student == "deadlocked":
                nb.cells[_scratch_cell(nb)].source = DEADLOCK_CELL
            folder = course / "submitted" / student / name
            folder.mkdir(parents=True)
            nbformat.write(nb, folder / f"{name}.ipynb")

    # the command line's verdict on the same code, computed while nbgrader works
    command_line = {
        student: CommandLineRun(plans, {
            name: code if code is not None else released[name].cells[_answer_cell(released[name])].source
            for name, code in students[student].items()
        }, tmp_path / "cli" / student, env)
        for student in ("flawed", "unanswered")
    }

    nbgrader("autograde", "*", f"--Execute.timeout={EXECUTE_TIMEOUT}")
    nbgrader("generate_feedback", "*")
    nbgrader("export")

    with open(course / "grades.csv", newline="", encoding="utf-8") as handle:
        grades = {(row["student_id"], row["assignment"]): row for row in csv.DictReader(handle)}

    by_name = {p.exercise.name: p for p in plans}
    verdicts = {(student, name): records for student, run_ in command_line.items()
                for name, records in run_.records().items()}

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "threads") as gradebook:
        for student, answers in students.items():
            for name in answers:
                plan = by_name[name]
                row = grades[student, name]
                assert float(row["max_score"]) == plan.max_points == sum(t.points for t in plan.hidden)
                cells = {g.name: g.score for g in
                         gradebook.find_submission_notebook(name, name, student).grades}
                if student in ("correct", "deadlocked"):
                    expected = {t.name: t.points for t in plan.hidden}
                else:
                    expected = {t.name: verdicts[student, name][t.name]["points"] for t in plan.hidden}
                got = {t.name: cells[nbcourse._safe_id(f"{name}-hidden-{t.name}")] for t in plan.hidden}
                assert got == pytest.approx(expected), f"{student}/{name}: notebook {got} != command line {expected}"
                assert float(row["score"]) == sum(expected.values()), f"{student}/{name} in grades.csv"

    counter = by_name["counter"]
    assert 0 < float(grades["flawed", "counter"]["score"]) < counter.max_points  # the race costs points
    assert float(grades["unanswered", "counter"]["score"]) == 0

    # feedback: the command line's words and interleavings, and nothing of a hidden suite
    for student, answers in students.items():
        for name in answers:
            plan = by_name[name]
            text = html_text(course / "feedback" / student / name / f"{name}.html")
            public = [plan.solution, plan.exercise.starter.read_text(), _public_text(plan),
                      (course / "source" / name / f"{name}.ipynb").read_text()]
            leaks = quoted_secrets(text, secret_lines(plan.exercise.hidden_suite.read_text(), public))
            assert not leaks, f"{student}/{name} feedback quotes the hidden suite: {leaks}"
            if (student, name) in verdicts:
                for test, record in verdicts[student, name].items():
                    if record["status"] == "passed":
                        assert f"Passed: {record['title']}" in text
                    else:
                        expected = without_replay_line(record["feedback"])
                        assert expected in text, f"{student}/{name}/{test}:\n{_difference(expected, text)}"
            else:
                assert all(f"Passed: {t.title}" in text for t in plan.hidden), f"{student}/{name}"
    flawed_counter = html_text(course / "feedback" / "flawed" / "counter" / "counter.html")
    assert "How it happened:" in flawed_counter and "-- Thread-" in flawed_counter  # an interleaving excerpt

    # the deadlocked cell cost only itself: nbgrader interrupted it and went on
    autograded = nbformat.read(course / "autograded" / "deadlocked" / "counter" / "counter.ipynb", as_version=4)
    stuck = autograded.cells[_scratch_cell(autograded)]
    assert {o.get("ename") for o in stuck.outputs if o.output_type == "error"} & {"KeyboardInterrupt",
                                                                                 "CellTimeoutError"}

    print(f"round trip: {len(plans)} exercise(s), {time.monotonic() - started:.1f}s")


def _difference(expected: str, text: str) -> str:
    """How the feedback differs from the command line's text, around where it should be."""
    start = text.find(expected.splitlines()[0])
    if start < 0:
        return f"the feedback lacks: {expected.splitlines()[0]!r}"
    near = text[start:start + len(expected) + 200].splitlines(keepends=True)
    return "".join(difflib.unified_diff(expected.splitlines(keepends=True), near, "command line", "feedback", n=1))


def _public_text(plan: ExercisePlan) -> str:
    readme = plan.exercise.assignment_dir / "README.md"
    tests = plan.exercise.public_tests
    return "\n".join(p.read_text() for p in (readme, tests) if p.is_file())
