"""An instructor's run says what it did: bad input, skipped entries, unsafe names, a broken grader, shards on CI."""

from __future__ import annotations

import csv
import io
import shlex
import shutil
from pathlib import Path

import pytest
import yaml

from autograder.grading import export
from autograder.grading.canary import GraderFault, run_canary
from autograder.grading.grader import grader_version

from .conftest import FAST_LIMITS, racy_counter, run_cli, solution_text, write_submission


def read_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


# ----------------------------------------------------------------------------- names and cells


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://x\",\"y\")", "@SUM(1+1)", "+1", "-2", "\tx", "\rx"])
def test_a_csv_cell_never_starts_a_formula(name):
    assert export.csv_cell(name) == "'" + name


def test_ordinary_names_stay_as_they_are_in_csv_and_folders():
    for name in ("alice", "bob-smith", "carol.o", "d_99", "e@uni"):
        assert export.csv_cell(name) == name
        assert export.safe_name(name) == name


def test_two_students_never_share_an_output_folder():
    names = ["h_dup a", "h_dup_a", "h_dup?a", "..evil", ".", "..", "a/b", "a_b", "ünï", "_", ""]
    folders = [export.safe_name(n) for n in names]
    assert len(set(folders)) == len(names), dict(zip(names, folders))
    for folder in folders:
        assert folder and "/" not in folder and folder not in (".", "..") and not folder.startswith(".")
    assert export.safe_name("h_dup a") == export.safe_name("h_dup a")  # stable: shards and merge agree


# ------------------------------------------------------------------------------- bad input


def test_grading_a_file_fails_with_one_line_before_any_progress(tmp_path):
    target = tmp_path / "counter.py"
    target.write_text("x = 1\n", encoding="utf-8")
    done = run_cli("grade", str(target), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0, done.stderr
    assert "is a file, not a folder" in done.stderr
    assert done.stdout == ""
    assert not (tmp_path / "out").exists()


def test_an_empty_submissions_folder_is_an_error_not_a_class_of_nobody(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / ".git").mkdir()
    done = run_cli("grade", str(subs), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert "holds no student folder" in done.stderr
    assert "skipped '.git'" in done.stderr


def test_every_entry_gets_a_row_or_a_printed_reason(tmp_path):
    subs = tmp_path / "subs"
    write_submission(subs / "=HYPERLINK(1)", {"counter.py": solution_text("counter")})
    write_submission(subs / "h_dup a", {"counter.py": racy_counter()})
    write_submission(subs / "h_dup_a", {"counter.py": solution_text("counter")})
    write_submission(subs / "empty-handed", {"notes.txt": "I forgot\n"})
    write_submission(subs / "..evil", {"counter.py": solution_text("counter")})
    (subs / "readme.txt").write_text("not a student\n", encoding="utf-8")
    (subs / "link").symlink_to(subs / "h_dup_a")
    out = tmp_path / "out"
    done = run_cli("grade", str(subs), "--out", str(out), "--seed", "3", "--jobs", "2", "--quiet", *FAST_LIMITS)
    assert done.returncode == 0, done.stderr
    rows = read_rows(out / "grades.csv")
    students = [row[0] for row in rows[1:]]
    assert students == sorted(["'=HYPERLINK(1)", "h_dup a", "h_dup_a", "empty-handed"])
    for entry in ("..evil", "readme.txt", "link"):
        assert f"skipped {entry!r}" in done.stderr, done.stderr
    assert "empty-handed: no exercise file found" in done.stderr
    counter = rows[0].index("counter")
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["h_dup_a"][counter] == "25" and by_name["h_dup a"][counter] != "25"
    # each kept its own feedback
    folders = {export.safe_name(name) for name in ("h_dup a", "h_dup_a", "=HYPERLINK(1)", "empty-handed")}
    assert len(folders) == 4
    for folder in folders:
        assert (out / folder / "results.json").is_file()


# ------------------------------------------------------------------------------ the canary


def test_the_canary_passes_on_this_installation():
    run_canary(grader_version())


def test_the_canary_fails_when_the_child_runs_another_grader():
    with pytest.raises(GraderFault, match="the child runs grader"):
        run_canary("0.0.0+another-copy")


def test_a_grader_that_cannot_run_its_suites_publishes_nothing_and_exits_2(tmp_path):
    """The grading process imports another copy of the package than its children (run from another checkout)."""
    import autograder

    other = tmp_path / "other-checkout"
    shutil.copytree(Path(autograder.__file__).parent, other / "autograder",
                    ignore=shutil.ignore_patterns("__pycache__"))
    init = other / "autograder" / "__init__.py"
    init.write_text(init.read_text(encoding="utf-8") + "# an edit in another checkout\n", encoding="utf-8")
    subs = tmp_path / "subs"
    write_submission(subs / "alice", {"counter.py": solution_text("counter")})
    out = tmp_path / "out"
    done = run_cli("grade", str(subs), "--out", str(out), "--seed", "1", "--quiet", *FAST_LIMITS, cwd=other)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "the grader cannot run its own suites" in done.stderr
    assert "No grade was written" in done.stderr
    assert not (out / "grades.csv").exists()
    assert "Graded" not in done.stdout


# ------------------------------------------------------------------------- shards on CI


def _grade_command(run: str, shard: int, seed: str) -> list[str]:
    text = run.replace("${{ matrix.shard }}", str(shard)).replace("$SEED", seed)
    words = shlex.split(text)
    assert words[:2] == ["sudo", "$(command -v autograder)"], words
    return words[2:]


def test_the_ci_workflow_shards_the_class_and_its_merge_equals_one_run(tmp_path):
    repo = tmp_path / "course"
    subs = repo / "submissions"
    for index in range(7):
        text = solution_text("counter") if index % 2 else racy_counter()
        write_submission(subs / f"student{index}", {"counter.py": text})
    done = run_cli("ci", "init", str(repo), "--shards", "3", "--slurm")
    assert done.returncode == 0, done.stderr
    workflow = yaml.safe_load((repo / ".github/workflows/grade-class.yml").read_text(encoding="utf-8"))
    assert workflow["jobs"]["grade"]["strategy"]["matrix"]["shard"] == [1, 2, 3]
    assert workflow["jobs"]["merge"]["needs"] == "grade"
    grade_step = next(s for s in workflow["jobs"]["grade"]["steps"] if s.get("name") == "Grade this shard")
    merge_step = next(s for s in workflow["jobs"]["merge"]["steps"] if s.get("name") == "Merge")
    uploads = [s for s in workflow["jobs"]["merge"]["steps"] if "upload-artifact" in s.get("uses", "")]
    assert any("grades.csv" in s["with"]["path"] and "report.html" in s["with"]["path"] for s in uploads)
    assert (repo / "grade-array.sbatch").read_text(encoding="utf-8").count("--array=1-3") == 1

    # simulate the matrix: each shard's command as the workflow runs it, then the merge job
    shards = tmp_path / "shards"
    for shard in (1, 2, 3):
        args = _grade_command(grade_step["run"], shard, "11")
        done = run_cli(*args, *FAST_LIMITS, cwd=repo)
        assert done.returncode == 0, done.stderr
        shutil.copytree(repo / f"out-{shard}", shards / f"shard-{shard}")  # upload + download-artifact
    merge_args = shlex.split(merge_step["run"].replace("shards/shard-*", " ".join(
        str(p) for p in sorted(shards.iterdir()))))
    assert merge_args[0] == "autograder"
    done = run_cli(*merge_args[1:], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    whole = tmp_path / "whole"
    done = run_cli("grade", str(subs), "--out", str(whole), "--seed", "11", "--quiet", *FAST_LIMITS)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "graded" / "grades.csv").read_text() == (whole / "grades.csv").read_text()
    assert len(read_rows(whole / "grades.csv")) == 8


def test_ci_init_refuses_bad_input_with_one_line(tmp_path):
    done = run_cli("ci", "init", str(tmp_path), "--shards", "0")
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    done = run_cli("ci", "init", str(tmp_path / "missing"), "--shards", "2")
    assert done.returncode == 2 and "is not a folder" in done.stderr
    done = run_cli("ci", "init", str(tmp_path), "--shards", "2", "--submissions", "../elsewhere")
    assert done.returncode == 2 and "inside the repository" in done.stderr


def test_text_a_student_controls_cannot_stop_the_run_or_flood_the_outputs(tmp_path):
    """A message that cannot be written as UTF-8 (a lone surrogate: valid in JSON, refused by the
    encoder) and messages of megabytes: the class is graded, the right student keeps full marks, and
    the feedback shows the text made safe and cut to size."""
    subs = tmp_path / "subs"
    write_submission(subs / "right", {"counter.py": solution_text("counter")})
    write_submission(subs / "surrogate", {"counter.py": (
        "class Counter:\n"
        "    def __init__(self, start=0):\n"
        "        raise ValueError('bad \\ud800 value')\n")})
    write_submission(subs / "flood", {"counter.py": (
        "class Counter:\n"
        "    def __init__(self, start=0):\n"
        "        raise ValueError('x' * 5_000_000)\n")})
    out = tmp_path / "out"
    done = run_cli("grade", str(subs), "--out", str(out), "--seed", "1", *FAST_LIMITS)
    assert done.returncode == 0, done.stderr
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert float(rows["right"]["counter"]) == 25.0
    assert float(rows["surrogate"]["counter"]) == 0.0 and float(rows["flood"]["counter"]) == 0.0
    said = (out / "surrogate" / "feedback.md").read_text(encoding="utf-8")
    assert "bad \ufffd value" in said
    flood = out / "flood"
    for name in ("feedback.md", "feedback.html", "results.json"):
        assert (flood / name).stat().st_size < 8_000_000, name  # at most 64 KiB of each message, not 5 MB
    assert "more characters cut by the grader" in (flood / "feedback.md").read_text(encoding="utf-8")


def test_modules_that_start_threads_on_import_cost_their_exercises_not_the_grader(tmp_path):
    """A thread left running by an import ends the child after its test; the exercise's other tests
    are not run again one child each (74 tests were more children than the cap, and the student was
    withheld as a grader fault): every test of the exercise fails with that one reason."""
    subs = tmp_path / "subs"
    thread = "import threading as _t\n_t.Thread(target=_t.Event().wait, daemon=True).start()\n"
    write_submission(subs / "starts", {f"{e}.py": thread + solution_text(e)
                                       for e in ("counter", "file_writer", "vending_machine", "prime_checker",
                                                 "pipeline", "downloader", "rwlock", "bank")})
    write_submission(subs / "right", {"counter.py": solution_text("counter")})
    out = tmp_path / "out"
    done = run_cli("grade", str(subs), "--out", str(out), "--seed", "1", *FAST_LIMITS)
    assert done.returncode == 0, done.stderr
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert float(rows["right"]["counter"]) == 25.0
    assert float(rows["starts"]["total"]) == 0.0
    said = (out / "starts" / "feedback.md").read_text(encoding="utf-8")
    assert "started a thread that was still running afterwards" in said
    assert "tell your instructor" not in said
