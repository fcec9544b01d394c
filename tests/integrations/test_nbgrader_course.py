"""``autograder nbgrader init``: the course it writes, its notebooks, and the command's behaviour."""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import subprocess
import sys

import nbformat  # from the nbgrader extra, which README's test command installs
import pytest

from autograder.exercises import EXERCISES
from autograder.exercises.starter import make_starter
from autograder.integrations.nbgrader import cli
from autograder.integrations.nbgrader.course import HIDDEN_BEGIN, HIDDEN_END, plans
from autograder.integrations.nbgrader.kernel import DEFAULT_TIMEOUT, TIMEOUT_ENV
from autograder.integrations.nbgrader.runner import list_tests

from .nbhelpers import quoted_secrets, secret_lines


def init(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder.integrations.nbgrader.cli", "init", *args],
                          capture_output=True, text=True, timeout=120)


def marked_points(suite) -> dict[str, int]:
    """Points straight from the suite's source: each test function's @pytest.mark.points(n), else 0."""
    points = {}
    for node in ast.parse(suite.read_text()).body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            points[node.name] = 0
            for deco in node.decorator_list:
                if isinstance(deco, ast.Call) and ast.unparse(deco.func).endswith("mark.points"):
                    points[node.name] = deco.args[0].value
    return points


def graded(nb, prefix: str) -> list:
    """The notebook's cells whose grade id starts with ``prefix``."""
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id", "").startswith(prefix)]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    folder = tmp_path_factory.mktemp("course") / "threads-101"
    result = init(str(folder))
    assert result.returncode == 0, result.stderr
    return folder, result.stdout


def test_one_notebook_per_complete_exercise(course):
    folder, output = course
    done, skipped = plans()
    assert [p.exercise.name for p in done] == [e for e in EXERCISES if e not in skipped]
    assert "counter" in [p.exercise.name for p in done]
    made = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.ipynb"))
    assert made == sorted(f"source/{p.exercise.name}/{p.exercise.name}.ipynb" for p in done)
    for name, why in skipped.items():
        assert f"skipped {name}: {why}" in output
        assert not (folder / "source" / name).exists()


def test_the_config_names_the_course_and_limits_cells(course):
    folder, _ = course
    # loaded the way nbgrader loads it (traitlets), in a process of its own: it sets an environment variable
    script = (
        "import json, os, sys\n"
        "from traitlets.config.loader import PyFileConfigLoader\n"
        "c = PyFileConfigLoader('nbgrader_config.py', path=sys.argv[1]).load_config()\n"
        f"print(json.dumps([c.CourseDirectory.course_id, c.Execute.timeout, c.Execute.interrupt_on_timeout,"
        f" os.environ['{TIMEOUT_ENV}']]))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != TIMEOUT_ENV}
    done = subprocess.run([sys.executable, "-c", script, str(folder)], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    course_id, timeout, interrupt, check_timeout = json.loads(done.stdout)
    assert course_id == "threads-101" and interrupt is True
    assert float(check_timeout) == DEFAULT_TIMEOUT < timeout


def test_notebooks_are_valid_and_made_from_the_solution(course):
    folder, _ = course
    for plan in plans()[0]:
        name = plan.exercise.name
        nb = nbformat.read(folder / "source" / name / f"{name}.ipynb", as_version=4)
        nbformat.validate(nb)
        assert nb.metadata.kernelspec.name == "python3"
        answers = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
        assert len(answers) == 1 and answers[0].cell_type == "code"
        assert answers[0].source == plan.exercise.solution.read_text().rstrip()
        assert make_starter(answers[0].source + "\n") == plan.exercise.starter.read_text()
        ids = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if "nbgrader" in c.metadata]
        assert len(ids) == len(set(ids)) and all(re.fullmatch(r"[A-Za-z0-9_-]+", i) for i in ids)
        task = nb.cells[0]
        assert task.cell_type == "markdown" and task.metadata.nbgrader["locked"]
        assert "Check your work" not in task.source and "## Your task" in task.source


def test_hidden_cells_call_the_grader_and_carry_the_suites_points(course):
    folder, _ = course
    for plan in plans()[0]:
        name = plan.exercise.name
        nb = nbformat.read(folder / "source" / name / f"{name}.ipynb", as_version=4)
        hidden = graded(nb, f"{name}-hidden-")
        points = {}
        for cell in hidden:
            meta = cell.metadata.nbgrader
            assert meta["grade"] and meta["locked"] and not meta["solution"]
            before, rest = cell.source.split(HIDDEN_BEGIN + "\n")
            secret, after = rest.split("\n" + HIDDEN_END)
            assert after == "" and before.startswith("# Hidden check, ")
            lines = secret.splitlines()
            assert lines[0] == "from autograder.integrations.nbgrader import check"
            call = re.fullmatch(r'check\("(\w+)", "([^"]+)"\)', lines[1])
            assert len(lines) == 2 and call and call[1] == name
            points[call[2]] = meta["points"]
        marked = marked_points(plan.exercise.hidden_suite)
        assert {test.split("[")[0] for test in points} == set(marked)  # every test, parametrized or not
        assert all(points[test] == marked[test.split("[")[0]] for test in points)
        assert sum(points.values()) == plan.max_points
        task = (plan.exercise.assignment_dir / "README.md").read_text()
        public = [plan.solution, plan.exercise.public_tests.read_text(), task]
        everything = "\n".join(cell.source for cell in nb.cells)
        assert not quoted_secrets(everything, secret_lines(plan.exercise.hidden_suite.read_text(), public))
        visible = graded(nb, f"{name}-visible-")
        assert [c.metadata.nbgrader["points"] for c in visible] == [0] * len(list_tests(plan.exercise.public_tests))
        assert all(c.source.endswith(", public=True)") for c in visible)


def test_the_leak_detector_finds_what_an_escaped_traceback_would_show(tmp_path):
    # the negative control for every "quotes no hidden source" assertion: a hidden test's failure,
    # formatted the way an uncaught exception is, does quote the suite
    import traceback

    from faker import Faker

    from autograder.exercises.counter import hidden_tests
    from autograder.testing.plugin import load_student_module

    starter = load_student_module("counter", EXERCISES["counter"].starter.parent)
    with pytest.raises(BaseException) as info:  # noqa: B017 - whatever the starter raises
        hidden_tests.test_arithmetic_with_one_thread(starter, Faker())
    escaped = "".join(traceback.format_exception(info.value))
    secrets = secret_lines(EXERCISES["counter"].hidden_suite.read_text(), [EXERCISES["counter"].solution.read_text()])
    assert quoted_secrets(escaped, secrets)
    assert not quoted_secrets(info.value.__class__.__name__ + ": " + str(info.value), secrets)


def test_init_refuses_to_overwrite_without_force(course):
    folder, _ = course
    again = init(str(folder))
    assert again.returncode == 2
    assert again.stderr.strip().count("\n") == 0 and "--force" in again.stderr
    forced = init(str(folder), "--force", "--course-id", "renamed")
    assert forced.returncode == 0
    assert "course_id = 'renamed'" in (folder / "nbgrader_config.py").read_text()


def test_bad_usage_is_one_line_and_exit_code_2(tmp_path, capsys):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    result = init(str(not_a_folder))
    assert result.returncode == 2 and "is not a folder" in result.stderr
    assert cli.main(["nbgrader"]) == 2
    assert capsys.readouterr().err.strip() == "autograder nbgrader: choose a verb: init COURSE_DIR"


def test_register_plugs_into_a_parent_cli(tmp_path):
    # what autograder.cli does with every module in its SUBCOMMANDS
    parser = argparse.ArgumentParser(prog="autograder")
    commands = parser.add_subparsers(dest="command")
    cli.register(commands)
    args = parser.parse_args(["nbgrader", "init", str(tmp_path / "course")])
    assert args.func(args) == 0
    assert (tmp_path / "course" / "source" / "counter" / "counter.ipynb").is_file()


def test_the_autograder_command_runs_it_once_the_main_cli_exists(tmp_path):
    # autograder/cli.py is written in parallel; from the day it lands, `autograder nbgrader init` works
    autograder_cli = pytest.importorskip("autograder.cli", reason="autograder/cli.py is not written yet")
    assert autograder_cli.main(["nbgrader", "init", str(tmp_path / "course")]) == 0
    assert (tmp_path / "course" / "nbgrader_config.py").is_file()
