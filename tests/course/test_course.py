"""Course folders end to end through the CLI: `new`, `validate`, `grade`, Gradescope, the bundle, course.toml.

One course folder is made by ``autograder new tally_up`` and shared by the module. It lives in a
scratch folder beside this file, not under /tmp: the sandbox makes /tmp private anyway, so only a
folder the sandbox user could otherwise enter shows that a course's solutions and samples are
hidden on purpose.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

from autograder.exercises.starter import solution_regions
from autograder.grading import sandbox

HERE = Path(__file__).resolve().parent
NAME = "tally_up"
FAST = ["--time-limit", "20", "--exercise-time-limit", "120"]


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def one_line_error(done: subprocess.CompletedProcess, *words: str) -> str:
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("autograder: error:"), done.stderr
    for word in words:
        assert word in lines[0], done.stderr
    return lines[0]


def read_csv(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


@pytest.fixture(scope="module")
def course() -> Path:
    scratch = Path(tempfile.mkdtemp(prefix=".scratch-", dir=HERE))
    os.chmod(scratch, 0o755)
    folder = scratch / "threads-course"
    done = run_cli("new", NAME, "--course", str(folder))
    assert done.returncode == 0, done.stdout + done.stderr
    yield folder
    shutil.rmtree(scratch, ignore_errors=True)


def copy_course(course: Path, target: Path) -> Path:
    shutil.copytree(course, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def solution(course: Path) -> str:
    return (course / "solutions" / f"{NAME}.py").read_text(encoding="utf-8")


def wrong(course: Path) -> str:
    return (course / "samples" / NAME / "wrong" / "no_lock.py").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------- new


def test_new_writes_every_part_of_an_exercise(course):
    for part in ["course.toml", "exercises/__init__.py", f"exercises/{NAME}/__init__.py",
                 f"exercises/{NAME}/hidden_tests.py", f"solutions/{NAME}.py", f"assignments/{NAME}/README.md",
                 f"assignments/{NAME}/{NAME}.py", f"assignments/{NAME}/test_{NAME}.py",
                 f"samples/{NAME}/manifest.json", f"samples/{NAME}/right/rlock.py", f"samples/{NAME}/wrong/no_lock.py"]:
        assert (course / part).is_file(), part
    starter = (course / "assignments" / NAME / f"{NAME}.py").read_text(encoding="utf-8")
    assert "NotImplementedError" in starter and "### BEGIN SOLUTION" not in starter
    assert "### BEGIN SOLUTION" in solution(course)
    public = (course / "assignments" / NAME / f"test_{NAME}.py").read_text(encoding="utf-8")
    assert "race_check(" in public


@pytest.mark.parametrize(("name", "words"), [
    ("9lives", "not a valid exercise name"),
    ("with", "not a valid exercise name"),
    ("json", "standard library"),
    ("pytest", "installed module"),
    ("counter", "grader's own exercises"),
    (NAME, "exists already"),
])
def test_new_refuses_a_bad_name_in_one_line(course, name, words):
    one_line_error(run_cli("new", name, "--course", str(course)), words)


# -------------------------------------------------------------------------------- validate


def test_the_scaffold_validates_out_of_the_box_from_its_own_folder(course):
    done = run_cli("validate", "--seeds", "3", "--quiet", cwd=course)  # ./course.toml: no --course needed
    assert done.returncode == 0, done.stdout + done.stderr
    table = done.stdout
    for subject in ("solution", "starter", "wrong/no_lock", "right/rlock"):
        row = next(line for line in table.splitlines() if line.startswith(NAME) and f" {subject} " in line)
        assert row.rstrip().endswith("ok"), row
    assert "5 of 5 checks passed." in table


def test_validate_fails_on_a_suite_a_wrong_sample_escapes(course, tmp_path):
    copy = copy_course(course, tmp_path / "course")
    samples = copy / "samples" / NAME
    # "wrong" but actually right: the suite cannot catch it, so the manifest's claim fails
    shutil.copyfile(samples / "right" / "rlock.py", samples / "wrong" / "locks_after_all.py")
    (samples / "wrong" / "locks_after_all.py").write_text(
        '"""Claims a lost addition, but locks."""\n' + (samples / "right" / "rlock.py").read_text(encoding="utf-8"),
        encoding="utf-8")
    manifest = json.loads((samples / "manifest.json").read_text(encoding="utf-8"))
    manifest["wrong"]["locks_after_all"] = {"test_no_addition_is_lost": "read-modify-write"}
    (samples / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    done = run_cli("validate", NAME, "--course", str(copy), "--seeds", "2", "--quiet")
    assert done.returncode == 1, done.stdout + done.stderr
    row = next(line for line in done.stdout.splitlines() if "wrong/locks_after_all" in line)
    assert row.rstrip().endswith("FAIL")
    assert "seed 1: escaped test_no_addition_is_lost" in done.stdout
    assert "5 of 6 checks passed." in done.stdout


# ---------------------------------------------------------------------------------- grading


@pytest.fixture(scope="module")
def graded(course, tmp_path_factory):
    """The course graded twice: as scaffolded, and with course.toml's points overrides."""
    root = tmp_path_factory.mktemp("course-class")
    subs = root / "submissions"
    for student, files in {
        "right": {f"{NAME}.py": solution(course)},
        "wrong": {f"{NAME}.py": wrong(course)},
        "peeker": {f"{NAME}.py": PEEKER.replace("COURSE", repr(str(course.parent / "plain")))},
    }.items():
        (subs / student).mkdir(parents=True)
        for file_name, text in files.items():
            (subs / student / file_name).write_text(text, encoding="utf-8")
    # the graded copies sit beside the scaffold, outside /tmp (see the module's docstring)
    plain = copy_course(course, course.parent / "plain")
    (plain / "course.toml").write_text(f'exercises = ["{NAME}", "counter"]\ntime_limit = 20\n', encoding="utf-8")
    points = copy_course(course, course.parent / "points")
    (points / "course.toml").write_text(
        f'exercises = ["{NAME}"]\n\n[points.{NAME}]\ntest_no_addition_is_lost = 30\n', encoding="utf-8")
    runs = {}
    for label, folder in (("plain", plain), ("points", points)):
        out = root / f"out-{label}"
        done = run_cli("grade", str(subs), "--out", str(out), "--course", str(folder), "--seed", "5", "--jobs", "2",
                       "--quiet", *FAST)
        assert done.returncode == 0, done.stdout + done.stderr
        runs[label] = out
    return runs


PEEKER = '''"""Reads the course's solutions and samples while it is imported, and reports what it saw."""
import json
import os

def attempt(path):
    try:
        return sorted(os.listdir(path))
    except OSError as exc:
        return type(exc).__name__

SEEN = {"solutions": attempt(os.path.join(COURSE, "solutions")),
        "samples": attempt(os.path.join(COURSE, "samples"))}
raise RuntimeError("PEEK " + json.dumps(SEEN))
'''


def test_a_course_exercise_is_graded_in_the_course_order_into_every_output(graded):
    rows = read_csv(graded["plain"] / "grades.csv")
    assert rows[0] == ["student", NAME, "counter", "total", "flags"]  # course.toml's order, not the registry's
    by_student = {r[0]: r for r in rows[1:]}
    assert by_student["right"] == ["right", "25", "0", "25", ""]
    assert by_student["wrong"] == ["wrong", "5", "0", "5", ""]  # only the one-thread test survives no lock
    results = json.loads((graded["plain"] / "wrong" / "results.json").read_text(encoding="utf-8"))
    lost = [t for t in results["tests"] if t["name"].startswith(f"{NAME}:") and t["score"] == 0]
    assert {t["max_score"] for t in lost} == {10}
    assert any("additions were lost" in t["output"] for t in lost)
    report = (graded["plain"] / "report.html").read_text(encoding="utf-8")
    assert NAME in report


def test_points_overrides_change_every_total(graded):
    rows = read_csv(graded["points"] / "grades.csv")
    assert rows[0] == ["student", NAME, "total", "flags"]
    by_student = {r[0]: r for r in rows[1:]}
    assert by_student["right"] == ["right", "45", "45", ""]
    assert by_student["wrong"] == ["wrong", "5", "5", ""]
    results = json.loads((graded["points"] / "right" / "results.json").read_text(encoding="utf-8"))
    assert results["score"] == 45
    assert sum(t["max_score"] for t in results["tests"]) == 45
    report = (graded["points"] / "report.html").read_text(encoding="utf-8")
    assert "45" in report


def test_a_course_folders_solutions_and_samples_stay_hidden_from_student_code(graded):
    if os.getuid() != 0 or not sandbox.isolation().namespaces:
        pytest.skip("without root and mount namespaces, file permissions are what protect the course folder")
    results = json.loads((graded["plain"] / "peeker" / "results.json").read_text(encoding="utf-8"))
    output = next(t["output"] for t in results["tests"] if t["name"].startswith(f"{NAME}:"))
    seen = json.JSONDecoder().raw_decode(output[output.index("PEEK ") + 5:])[0]
    assert seen["solutions"] in ([], "FileNotFoundError", "PermissionError"), seen
    assert seen["samples"] in ([], "FileNotFoundError", "PermissionError"), seen


# ------------------------------------------------------------------------ Gradescope, bundle


def test_the_gradescope_zip_carries_the_course_suites_and_grades_with_them(course, tmp_path):
    out = tmp_path / "autograder.zip"
    done = run_cli("gradescope", "build", "--out", str(out), "--course", str(course))
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        script = archive.read("run_autograder").decode()
        archive.extractall(tmp_path / "gs" / "source")
    assert f"course/exercises/{NAME}/hidden_tests.py" in names and "course/course.toml" in names
    assert not [n for n in names if "/solutions/" in n or "/samples/" in n]
    assert '--course "$ROOT/source/course"' in script
    root = tmp_path / "gs"
    (root / "submission").mkdir()
    (root / "submission" / f"{NAME}.py").write_text(solution(course), encoding="utf-8")
    done = run_cli("gradescope", "run", "--root", str(root), "--course", str(root / "source" / "course"),
                   "--seed", "3", *FAST)
    assert done.returncode == 0, done.stderr
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    mine = [t for t in results["tests"] if t["name"].startswith(f"{NAME}:")]
    assert mine and all(t["score"] == t["max_score"] for t in mine)


def test_the_release_bundle_has_the_course_assignment_and_no_suite_or_solution(course, tmp_path):
    out = tmp_path / "bundle"
    done = run_cli("release", "--out", str(out), "--course", str(course))
    assert done.returncode == 0, done.stderr
    for part in ("README.md", f"{NAME}.py", f"test_{NAME}.py"):
        assert (out / "assignments" / NAME / part).is_file(), part
    assert f"assignments/{NAME}/" in (out / "README.md").read_text(encoding="utf-8")
    shipped = []
    for path in out.rglob("*"):
        if path.suffix == ".whl":
            with zipfile.ZipFile(path) as archive:
                shipped += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
                assert not [n for n in archive.namelist() if "hidden_tests" in n or n.endswith("scaffold.py")]
        elif path.is_file():
            shipped.append(path.read_text(encoding="utf-8", errors="replace"))
    suite = (course / "exercises" / NAME / "hidden_tests.py").read_text(encoding="utf-8")
    for line in suite.splitlines():
        if line.startswith("def test_"):
            assert not any(line.split("(")[0][4:] in text for text in shipped), line
    def normal(text: str) -> str:
        return "\n".join(line.strip() for line in text.splitlines() if line.strip())

    flat = [normal(text) for text in shipped]
    regions = [normal(r) for r in solution_regions(solution(course)) if r.count("\n") >= 2]
    assert regions
    for region in regions:
        assert not any(region in text for text in flat), f"the solution leaked: {region}"
    # a student checks the course's exercise in its bundle folder, where only the public tests are
    folder = out / "assignments" / NAME
    (folder / f"{NAME}.py").write_text(wrong(course), encoding="utf-8")
    done = run_cli("check", NAME, cwd=folder)
    assert done.returncode == 1 and "FAIL  two threads lose no additions" in done.stdout, done.stdout + done.stderr
    (folder / f"{NAME}.py").write_text(solution(course), encoding="utf-8")
    done = run_cli("check", NAME, cwd=folder)
    assert done.returncode == 0 and "2 of 2 tests passed." in done.stdout, done.stdout + done.stderr


# ------------------------------------------------------------------------------- course.toml


@pytest.mark.parametrize(("content", "words"), [
    ('exercises = ["tally_up"]\ntime_limt = 20\n', ["course.toml, line 2", "unknown key 'time_limt'"]),
    ('exercises = ["tally_up",\n[points]\n', ["course.toml, line 2", "not valid TOML"]),
    ('exercises = ["tally_up", "nope"]\n', ["course.toml, line 1", "unknown exercise 'nope'"]),
    ('\n[points.tally_up]\ntest_no_addition_is_lost = "ten"\n', ["course.toml, line 3", "must be a number"]),
    ('time_limit = -1\n', ["course.toml, line 1", "time_limit"]),
])
def test_a_bad_course_toml_is_one_line_naming_its_line(course, tmp_path, content, words):
    copy = copy_course(course, tmp_path / "course")
    (copy / "course.toml").write_text(content, encoding="utf-8")
    (tmp_path / "subs" / "alice").mkdir(parents=True)
    for args in (["grade", str(tmp_path / "subs"), "--out", str(tmp_path / "out")],
                 ["validate"], ["release", "--out", str(tmp_path / "bundle")],
                 ["gradescope", "build", "--out", str(tmp_path / "a.zip")], ["check", NAME]):
        one_line_error(run_cli(*args, "--course", str(copy)), *words)
    assert not (tmp_path / "out").exists() and not (tmp_path / "bundle").exists()


def test_points_for_a_test_the_suite_lacks_name_the_line(course, tmp_path):
    copy = copy_course(course, tmp_path / "course")
    (copy / "course.toml").write_text(f"[points.{NAME}]\n\ntest_nope = 3\n", encoding="utf-8")
    (tmp_path / "subs" / "alice").mkdir(parents=True)
    one_line_error(run_cli("grade", str(tmp_path / "subs"), "--out", str(tmp_path / "out"), "--course", str(copy)),
                   "course.toml, line 3", "test_nope")


# ---------------------------------------------------------------------------------- nbgrader


def test_nbgrader_init_makes_a_notebook_whose_checks_use_the_course(course, tmp_path):
    pytest.importorskip("nbgrader")
    from tests.integrations.nbhelpers import Kernel, jupyter_env

    copy = copy_course(course, tmp_path / "course")
    (copy / "course.toml").write_text(f'exercises = ["{NAME}"]\n\n[points.{NAME}]\ntest_no_addition_is_lost = 30\n',
                                      encoding="utf-8")
    done = run_cli("nbgrader", "init", str(tmp_path / "nb"), "--course", str(copy))
    assert done.returncode == 0, done.stderr
    notebook = json.loads((tmp_path / "nb" / "source" / NAME / f"{NAME}.ipynb").read_text(encoding="utf-8"))
    points = [c["metadata"]["nbgrader"]["points"] for c in notebook["cells"]
              if c["metadata"].get("nbgrader", {}).get("grade") and "Hidden check" in "".join(c["source"])]
    assert sorted(points) == [5, 10, 30]  # course.toml's points, not the markers'
    config = (tmp_path / "nb" / "nbgrader_config.py").read_text(encoding="utf-8")
    assert "AUTOGRADER_COURSE" in config and str(copy.resolve()) in config
    env = jupyter_env(tmp_path / "jupyter", AUTOGRADER_SEED="4", AUTOGRADER_COURSE=str(copy))
    with Kernel(env, tmp_path) as kernel:
        assert kernel.run(wrong(course)).status == "ok"
        failed = kernel.run(f'from autograder.integrations.nbgrader import check\n'
                            f'check("{NAME}", "test_no_addition_is_lost")')
        assert failed.status == "error" and "additions were lost" in failed.stdout
        assert kernel.run(solution(course)).status == "ok"
        passed = kernel.run(f'from autograder.integrations.nbgrader import check\n'
                            f'check("{NAME}", "test_no_addition_is_lost")')
        assert passed.status == "ok", passed.stdout


def test_a_changed_course_toml_re_grades_what_the_gradebook_kept(course, tmp_path):
    copy = copy_course(course, tmp_path / "course")
    (copy / "course.toml").write_text(f'exercises = ["{NAME}"]\n', encoding="utf-8")
    subs, out = tmp_path / "subs", tmp_path / "out"
    (subs / "right").mkdir(parents=True)
    (subs / "right" / f"{NAME}.py").write_text(solution(course), encoding="utf-8")
    args = ["grade", str(subs), "--out", str(out), "--course", str(copy), "--seed", "2", "--quiet", *FAST]
    first = run_cli(*args)
    assert first.returncode == 0 and "1 graded now" in first.stdout, first.stdout + first.stderr
    again = run_cli(*args)
    assert again.returncode == 0 and "1 unchanged since the last run" in again.stdout, again.stdout
    (copy / "course.toml").write_text(f'exercises = ["{NAME}"]\n[points.{NAME}]\ntest_one_thread_adds_up = 1\n',
                                      encoding="utf-8")
    changed = run_cli(*args)
    assert changed.returncode == 0 and "1 graded now" in changed.stdout, changed.stdout
    assert read_csv(out / "grades.csv")[1] == ["right", "21", "21", ""]
