"""The exercises as a whole: files in place, points declared, starters in step, suites run through pytest.

The sweeps over the zoo call the suites in-process (see ``autograder/grading/validate.py``); here the suites also run
the way the grader runs them: ``pytest <hidden suite> --ag-submission DIR --assert=plain``, with
the plugin loaded from its entry point, results written with ``--ag-results``.
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.exercises import EXERCISES
from autograder.exercises.starter import BEGIN, END, make_starter, solution_regions, sync
from autograder.grading.validate import ALLOWED_FIXTURES, hidden_tests

ROOT = Path(__file__).resolve().parents[2]
NAMES = list(EXERCISES)


def run_pytest(*args: str, cwd: Path) -> tuple[subprocess.CompletedProcess, dict]:
    """Run pytest in a subprocess (from ``cwd``) with results written to a JSON file."""
    results = cwd / "results.json"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--ag-results", str(results), *args]
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)
    data = json.loads(results.read_text(encoding="utf-8")) if results.exists() else {}
    return done, data


# ---------------------------------------------------------------------------------- the files


@pytest.mark.parametrize("name", NAMES)
def test_every_exercise_has_its_files(name):
    exercise = EXERCISES[name]
    assert exercise.hidden_suite.is_file()
    assert exercise.starter.is_file() and exercise.public_tests.is_file()
    assert (exercise.assignment_dir / "README.md").is_file()
    assert exercise.solution is not None and exercise.solution.is_file()
    assert "assignments" not in exercise.hidden_suite.parts, "hidden suites live inside the grader package"


def test_no_hidden_suite_is_under_assignments():
    root = EXERCISES["counter"].assignment_dir.parent
    assert not list(root.rglob("hidden_tests*.py"))
    for name in NAMES:
        assert "hidden_tests" not in EXERCISES[name].public_tests.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", NAMES)
def test_hidden_tests_carry_points_that_add_up_and_use_only_portable_fixtures(name):
    tests = hidden_tests(name)
    assert tests, "the suite has tests"
    for test in tests:
        assert test.points > 0, f"{test.name} has no @pytest.mark.points(n)"
        assert set(test.fixtures) <= ALLOWED_FIXTURES, f"{test.name} uses {set(test.fixtures) - ALLOWED_FIXTURES}"
        assert (test.function.__doc__ or "").strip(), f"{test.name} needs a docstring: its first line is its title"
    assert sum(t.points for t in tests) == EXERCISES[name].points == 25


@pytest.mark.parametrize("name", NAMES)
def test_hidden_suites_have_no_bare_assert(name):
    """The grader runs suites with --assert=plain: every check says in words what broke (expect, fail)."""
    tree = ast.parse(EXERCISES[name].hidden_suite.read_text(encoding="utf-8"))
    asserts = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Assert)]
    assert not asserts, f"bare assert on lines {asserts}"


@pytest.mark.parametrize("name", NAMES)
def test_the_solution_marks_its_answers_and_the_starter_is_generated_from_it(name):
    exercise = EXERCISES[name]
    solution = exercise.solution.read_text(encoding="utf-8")
    assert solution.count(BEGIN) == solution.count(END) >= 3
    assert all(region.strip() for region in solution_regions(solution))
    assert exercise.starter.read_text(encoding="utf-8") == make_starter(solution), (
        f"{exercise.starter} is out of date: run `python -m autograder.exercises.starter`"
    )


def test_starter_check_reports_a_stale_starter(tmp_path, monkeypatch, capsys):
    """`python -m autograder.exercises.starter --check` exits 1 when a starter is out of date."""
    assert sync(check=True) == 0
    copy = tmp_path / "assignments"
    shutil.copytree(EXERCISES["counter"].assignment_dir.parent, copy)
    (copy / "counter" / "counter.py").write_text("# an old starter\n", encoding="utf-8")
    from autograder import resources

    monkeypatch.setattr(resources, "assignments_dir", lambda: copy)
    assert sync(check=True) == 1
    assert "counter.py: out of date" in capsys.readouterr().out
    assert (copy / "counter" / "counter.py").read_text(encoding="utf-8") == "# an old starter\n"
    assert sync(check=False) == 0
    assert sync(check=True) == 0


@pytest.mark.parametrize("name", NAMES)
def test_the_starter_imports_and_is_all_todo(name, tmp_path):
    exercise = EXERCISES[name]
    source = exercise.starter.read_text(encoding="utf-8")
    assert "NotImplementedError" in source and BEGIN not in source
    compile(source, str(exercise.starter), "exec")


# ------------------------------------------------------------------------ through real pytest


def _all_in_one_folder(folder: Path, files: dict[str, Path]) -> Path:
    folder.mkdir()
    for name, path in files.items():
        shutil.copyfile(path, folder / f"{name}.py")
    return folder


def test_the_solutions_earn_full_marks_through_pytest(tmp_path):
    folder = _all_in_one_folder(tmp_path / "solutions", {n: EXERCISES[n].solution for n in NAMES})
    suites = [str(EXERCISES[n].hidden_suite) for n in NAMES]
    done, data = run_pytest(*suites, "--ag-submission", str(folder), "--ag-seed", "7", "--assert=plain", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    tests = data["tests"]
    assert len(tests) == sum(len(hidden_tests(n)) for n in NAMES)
    assert all(t["status"] == "passed" for t in tests)
    assert sum(t["points"] for t in tests) == sum(EXERCISES[n].points for n in NAMES)
    speedup = [t for t in tests if t["name"] == "test_count_primes_parallel_uses_worker_processes"][0]
    assert speedup["notes"] and "speed-up" in speedup["notes"][0], "the speed-up is reported to the student"


def test_each_starter_earns_zero_without_crashing_its_suite(tmp_path):
    folder = _all_in_one_folder(tmp_path / "starters", {n: EXERCISES[n].starter for n in NAMES})
    suites = [str(EXERCISES[n].hidden_suite) for n in NAMES]
    done, data = run_pytest(*suites, "--ag-submission", str(folder), "--ag-seed", "7", "--assert=plain", cwd=tmp_path)
    assert done.returncode == 1, f"tests should fail, not crash pytest (exit {done.returncode}):\n{done.stdout}"
    tests = data["tests"]
    assert len(tests) == sum(len(hidden_tests(n)) for n in NAMES), "every hidden test ran"
    for test in tests:
        assert test["status"] == "failed" and test["points"] == 0, test
        assert "not written yet" in test["feedback"], test["feedback"]
        assert "Traceback" not in test["feedback"]
    assert "Traceback" not in done.stdout and "INTERNALERROR" not in done.stdout


@pytest.mark.parametrize("name", NAMES)
def test_public_tests_pass_on_the_solution_and_fail_on_the_starter(name, tmp_path):
    exercise = EXERCISES[name]
    public = str(exercise.public_tests)
    solution = _all_in_one_folder(tmp_path / "solution", {name: exercise.solution})
    done, data = run_pytest(public, "--ag-submission", str(solution), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert data["tests"] and all(t["status"] == "passed" for t in data["tests"])
    starter = _all_in_one_folder(tmp_path / "starter", {name: exercise.starter})
    done, data = run_pytest(public, "--ag-submission", str(starter), cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert all(t["status"] == "failed" and "not written yet" in t["feedback"] for t in data["tests"])


@pytest.mark.parametrize("name", NAMES)
def test_public_tests_race_the_students_code(name):
    """Each public test file has at least one test that runs the student's code under the engine."""
    source = EXERCISES[name].public_tests.read_text(encoding="utf-8")
    assert "race_check(" in source
    tree = ast.parse(source)
    racing = [f.name for f in tree.body if isinstance(f, ast.FunctionDef) and f.name.startswith("test_")
              and "race_check(" in ast.get_source_segment(source, f)]
    assert racing


def test_a_failure_replays_with_the_seed_it_reports(tmp_path):
    """The replay line in the feedback names a seed; running with it fails the same way."""
    wrong = Path(__file__).parent / "zoo" / "file_writer" / "wrong" / "no_lock.py"
    folder = _all_in_one_folder(tmp_path / "sub", {"file_writer": wrong})
    suite = str(EXERCISES["file_writer"].hidden_suite)
    test = "test_lines_from_many_threads_stay_whole"
    runs = []
    for _ in range(2):
        done, data = run_pytest(suite, "-k", test, "--ag-submission", str(folder), "--ag-seed", "11",
                                "--assert=plain", cwd=tmp_path)
        runs.append(data["tests"][0])
    assert runs[0]["status"] == "failed"
    assert "--ag-seed 11" in runs[0]["feedback"] and "How it happened" in runs[0]["feedback"]
    assert runs[0]["feedback"] == runs[1]["feedback"], "the same seed gives the same schedule and the same words"
