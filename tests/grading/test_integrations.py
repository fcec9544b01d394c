"""Gradescope, GitHub Classroom and the student bundle, each checked the way its consumer reads it."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import yaml

from autograder.exercises import EXERCISES
from autograder.exercises.starter import solution_regions

from .conftest import (
    GRADESCOPE_SCHEMA,
    RACES,
    full_marks,
    load_json,
    points_without,
    racy_counter,
    run_cli,
    write_submission,
)

BIN = str(Path(sys.executable).parent)


def test_gradescope_zip_installs_the_package_and_writes_results_under_gradescope_root(tmp_path, catalogs):
    archive = tmp_path / "autograder.zip"
    done = run_cli("gradescope", "build", "--out", str(archive))
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
        wheel = next(n for n in names if n.endswith(".whl"))
        assert {"setup.sh", "run_autograder"} <= set(names)
        setup = zf.read("setup.sh").decode()
        assert f"pip install ./{wheel}" in setup and "index-url" not in setup
        root_dir = tmp_path / "gs"
        zf.extractall(root_dir / "source")
    with zipfile.ZipFile(root_dir / "source" / wheel) as whl:
        files = whl.namelist()
    assert "autograder/exercises/counter/hidden_tests.py" in files  # the grader needs its hidden suites
    assert not [f for f in files if "_data/solutions" in f]

    # a Gradescope container, simulated: the submission nests its files one level down
    root = root_dir / "autograder"
    write_submission(root / "submission", {**full_marks(catalogs, skip="counter"), "counter.py": racy_counter()},
                     nest="repo")
    env = {"GRADESCOPE_ROOT": str(root), "PATH": BIN + os.pathsep + os.environ.get("PATH", "")}
    script = root_dir / "source" / "run_autograder"
    done = subprocess.run(["bash", str(script)], env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    results = load_json(root / "results" / "results.json")
    jsonschema.validate(results, GRADESCOPE_SCHEMA)
    expected = points_without(catalogs["counter"], RACES) + sum(
        c.max_points for n, c in catalogs.items() if n != "counter")
    assert results["score"] == expected
    assert sum(t["max_score"] for t in results["tests"]) == sum(c.max_points for c in catalogs.values())
    failed = [t for t in results["tests"] if t["status"] == "failed"]
    assert len(failed) == len(RACES)
    assert all("Your instructor can replay this exact run" in t["output"] for t in failed), failed


def test_classroom_workflow_runs_the_grader_on_push_and_feeds_the_reporter(tmp_path):
    repo = tmp_path / "student-repo"
    repo.mkdir()
    done = run_cli("classroom", "init", str(repo))
    assert done.returncode == 0, done.stderr
    workflow = yaml.safe_load((repo / ".github" / "workflows" / "classroom.yml").read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True
    assert "push" in triggers
    assert workflow["permissions"]["checks"] == "write"
    job = workflow["jobs"]["run-autograding-tests"]
    assert job["name"] == "Autograding Tests"  # the check run the reporter writes "Points X/Y" on
    steps = job["steps"]
    assert steps[0]["uses"].startswith("actions/checkout@")
    grade = next(s for s in steps if s.get("id"))
    assert grade["run"].startswith("autograder classroom report")
    assert any("pip install" in s.get("run", "") for s in steps[: steps.index(grade)])
    reporter = steps[-1]
    assert reporter["uses"].startswith("classroom-resources/autograding-grading-reporter@")
    runner = reporter["with"]["runners"]
    assert runner == grade["id"]
    assert reporter["env"][f"{runner.upper()}_RESULTS"] == f"${{{{ steps.{runner}.outputs.result }}}}"
    again = run_cli("classroom", "init", str(repo))
    assert again.returncode == 2 and "already exists" in again.stderr


def test_classroom_report_writes_points_the_reporter_sums(tmp_path, catalogs):
    repo = write_submission(tmp_path / "repo", {**full_marks(catalogs, skip="counter"), "counter.py": racy_counter()})
    output = tmp_path / "github_output"
    done = run_cli("classroom", "report", str(repo), "--seed", "2", env={"GITHUB_OUTPUT": str(output)})
    assert done.returncode == 0, done.stderr
    line = output.read_text(encoding="utf-8").strip()
    assert line.startswith("result=")
    result = json.loads(base64.b64decode(line[len("result="):]))
    assert result["max_score"] == sum(c.max_points for c in catalogs.values())
    expected = points_without(catalogs["counter"], RACES) + sum(
        c.max_points for n, c in catalogs.items() if n != "counter")
    assert sum(t["score"] for t in result["tests"]) == expected
    assert result["status"] == "fail"
    assert {t["status"] for t in result["tests"]} == {"pass", "fail"}
    assert f"Points {expected:g}/" in done.stdout


def test_release_bundle_has_assignments_and_a_wheel_without_hidden_suites_or_solutions(tmp_path):
    out = tmp_path / "bundle"
    done = run_cli("release", "--out", str(out))
    assert done.returncode == 0, done.stderr
    for exercise in EXERCISES.values():
        if exercise.assignment_dir.is_dir():
            assert (out / "assignments" / exercise.name / exercise.public_tests.name).is_file()
            assert (out / "assignments" / exercise.name / exercise.file_name).is_file()
    wheels = list((out / "wheels").glob("*.whl"))
    assert len(wheels) == 1
    # the bundle's README activates the environment before it runs `autograder` (a bare `autograder` is
    # not on PATH after `python3 -m venv .venv`), on Linux/macOS and on Windows
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert f"wheels/{wheels[0].name}" in readme
    first_check = readme.index("autograder check")
    assert -1 < readme.find("source .venv/bin/activate") < first_check
    assert -1 < readme.find(".venv\\Scripts\\activate") < first_check
    with zipfile.ZipFile(wheels[0]) as zf:
        names = zf.namelist()
        contents = {n: zf.read(n).decode("utf-8", errors="replace") for n in names}
    assert "autograder/cli.py" in names and "autograder/race/explorer.py" in names
    assert "autograder/_data/assignments/counter/test_counter.py" in names
    assert not [n for n in names if "hidden_tests" in n or "solutions" in n.split("/")]
    hidden_sources = [e.hidden_suite.read_text(encoding="utf-8") for e in EXERCISES.values()
                      if e.hidden_suite.is_file()]
    checked = 0

    def normal(text: str) -> str:
        return "\n".join(line.strip() for line in text.splitlines() if line.strip())

    shipped = [normal(text) for text in contents.values()]
    for exercise in EXERCISES.values():
        if exercise.solution is None or not exercise.solution.is_file():
            continue
        for region in solution_regions(exercise.solution.read_text(encoding="utf-8")):
            answer = normal(region)
            if answer.count("\n") >= 1:  # answers of two lines or more are specific enough to search for
                assert not any(answer in text for text in shipped), (exercise.name, answer)
                checked += 1
    assert checked > 0
    for source in hidden_sources:  # no hidden test function (by its name) made it in
        for line in source.splitlines():
            if line.startswith("def test_"):
                name = line.split("(")[0][4:]
                assert not any(name in text for text in contents.values()), name

    # installed on its own, the bundle has the public tests and neither hidden suites nor solutions
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--target",
                    str(target), str(wheels[0])], check=True, capture_output=True, timeout=300)
    probe = subprocess.run(
        [sys.executable, "-I", "-c",
         "import sys; sys.path.insert(0, sys.argv[1]); import autograder, autograder.resources as r; "
         "from autograder.exercises import EXERCISES as E; e = E['counter']; "
         "print(autograder.__file__.startswith(sys.argv[1]), e.public_tests.is_file(), e.hidden_suite.exists(), "
         "r.solutions_dir())", str(target)],
        capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert probe.stdout.split() == ["True", "True", "False", "None"], probe.stderr
