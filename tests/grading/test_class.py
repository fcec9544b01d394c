"""A whole class through the real CLI: right, wrong, missing and hostile submissions.

Every hostile case of the issue is one student whose counter.py misbehaves; each of them also hands
in the reference solutions of two other exercises (the one graded right after the counter, in the same
child, and the last one), which must still earn full points. The right student hands in all of them.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import jsonschema
import pytest
from markupsafe import escape as html_escape

from autograder.exercises import EXERCISES
from autograder.grading import export, sandbox
from autograder.grading.gradebook import Gradebook

from .conftest import (
    FAST_LIMITS,
    GRADESCOPE_SCHEMA,
    RACES,
    companions,
    counter_variant,
    fmt,
    full_marks,
    load_json,
    points_without,
    racy_counter,
    read_csv,
    run_cli,
    solution_text,
    write_submission,
)

ALL = "all"
USES_COUNT_CONCURRENTLY = {"test_count_concurrently_edges", "test_count_concurrently_loses_nothing",
                           "test_count_concurrently_runs_threads_at_the_same_time",
                           "test_count_concurrently_joins_its_threads"}

# student -> (counter.py variant, tests of counter lost, the status those tests must have)
CASES = {
    "hang": ("hang_import", ALL, {"timeout"}),
    "deadlock": ("deadlock", {"test_arithmetic_with_one_thread", "test_counters_are_independent",
                              "test_mixed_increments_and_decrements"},
                 {"timeout", "failed"}),
    "os-exit-midway": ("os_exit_midway", USES_COUNT_CONCURRENTLY, {"crashed"}),
    "crash": ("segfault", "all-but-read-only", {"crashed"}),
    "sys-exit": ("sys_exit", ALL, {"error"}),
    "exit-early-status-0": ("os_exit_import", ALL, {"crashed"}),
    "fork-bomb": ("fork_bomb", ALL, {"error", "crashed", "timeout"}),
    "memory-bomb": ("memory_bomb", ALL, {"error", "crashed", "timeout"}),
    "endless-output": ("endless_output", ALL, {"error", "crashed"}),
    "syntax-error": ("syntax_error", ALL, {"error"}),
    "import-error": ("import_error", ALL, {"error"}),
    "fake-results": ("fake_results", ALL, {"failed", "error"}),
    "write-results": ("write_results", ALL, {"failed", "error"}),
    "patch-grader": ("patch_grader", ALL, {"tampered"}),
}


@pytest.fixture(scope="module")
def graded(once_per_session, catalogs) -> dict:
    def make(root: Path) -> dict:
        subs, out = root / "submissions", root / "out"
        out.mkdir()
        others = companions(catalogs)
        write_submission(subs / "right", full_marks(catalogs), nest="threads-right/src")
        write_submission(subs / "wrong", {**others, "counter.py": racy_counter()})
        write_submission(subs / "missing", {"README.md": "I ran out of time.\n"})
        for student, (variant, _, _) in CASES.items():
            text = counter_variant(variant)
            text = text.replace("OUT_DIR", str(out)).replace("STUDENT", student)
            write_submission(subs / student, {**others, "counter.py": text})
        done = run_cli("grade", str(subs), "--out", str(out), "--jobs", "2", "--seed", "11", *FAST_LIMITS)
        return {"out": str(out), "subs": str(subs), "returncode": done.returncode, "stdout": done.stdout,
                "stderr": done.stderr}

    made = once_per_session("class", make)
    done = subprocess.CompletedProcess([], made["returncode"], made["stdout"], made["stderr"])
    return {"out": Path(made["out"]), "done": done, "subs": Path(made["subs"])}


def _lost(spec, cat) -> set[str]:
    names = {t.name for t in cat.tests}
    if spec == ALL:
        return names
    if spec == "all-but-read-only":
        return names - {"test_value_is_read_only"}
    return set(spec)


def test_the_batch_finishes_with_every_student_in_the_gradebook(graded, catalogs):
    done = graded["done"]
    assert done.returncode == 0, done.stderr
    rows = read_csv(graded["out"] / "grades.csv")
    assert rows[0] == ["student", *EXERCISES, "total", "flags"]
    students = sorted(p.name for p in graded["subs"].iterdir())
    assert [r[0] for r in rows[1:]] == students


def test_every_student_gets_exactly_the_points_they_earned(graded, catalogs):
    rows = {r[0]: r for r in read_csv(graded["out"] / "grades.csv")[1:]}
    header = list(EXERCISES)
    counter = catalogs["counter"]
    expected_counter = {"right": counter.max_points, "wrong": points_without(counter, RACES), "missing": 0.0}
    for student, (_, spec, _) in CASES.items():
        expected_counter[student] = points_without(counter, _lost(spec, counter))
    for student, counter_points in expected_counter.items():
        expected = []
        for name in header:
            if name not in catalogs:
                expected.append(None)
            elif name == "counter":
                expected.append(counter_points)
            elif student == "right" or EXERCISES[name].file_name in companions(catalogs):
                expected.append(0.0 if student == "missing" else catalogs[name].max_points)
            else:
                expected.append(0.0)  # not handed in
        total = sum(v for v in expected if v is not None)
        row = [student, *[fmt(v) for v in expected], fmt(total)]
        assert rows[student][:len(row)] == row, student  # then the flags column


def test_hostile_tests_fail_for_the_reason_they_misbehaved(graded, catalogs):
    for student, (_, spec, statuses) in CASES.items():
        results = load_json(graded["out"] / student / "results.json")
        counter_tests = [t for t in results["tests"] if t["name"].startswith("counter: ")]
        failed = [t for t in counter_tests if t["status"] == "failed"]
        assert len(failed) == len(_lost(spec, catalogs["counter"])), student
        seen = {tag for t in failed for tag in t["tags"] if tag != "counter"}
        assert seen <= statuses, (student, seen)
        for test in failed:
            assert test["score"] == 0
            if "could not be loaded (" in test["output"] and "explanation is at the top of this exercise" \
                    in test["output"]:
                continue  # one cause for every test (an import that hangs, say): explained once, above
            # the replay of a hidden test is the instructor's: labelled so, with the exact command
            assert "Your instructor can replay this exact run" in test["output"], (student, test["output"])
            assert "`autograder check counter counter.py --hidden --seed 11 --test test_" \
                in test["output"], (student, test["output"])


def test_results_json_follows_gradescope_schema_and_adds_up(graded):
    for folder in sorted(p for p in graded["out"].iterdir() if p.is_dir()):
        data = load_json(folder / "results.json")
        jsonschema.validate(data, GRADESCOPE_SCHEMA)
        assert data["score"] == pytest.approx(sum(t["score"] for t in data["tests"]))


def test_missing_files_earn_zero_with_a_message(graded, catalogs):
    text = (graded["out"] / "missing" / "feedback.md").read_text(encoding="utf-8")
    for name in catalogs:
        assert f"No {name}.py was found in your submission" in text


def test_nested_files_are_found(graded):
    text = (graded["out"] / "right" / "feedback.md").read_text(encoding="utf-8")
    assert "`threads-right/src/counter.py`" in text


def test_a_passed_process_test_reports_the_measured_speed_up(graded):
    markdown = (graded["out"] / "right" / "feedback.md").read_text(encoding="utf-8")
    results = load_json(graded["out"] / "right" / "results.json")
    process_test = [t for t in results["tests"] if t["name"].startswith("prime_checker:") and "process" in t["name"]]
    assert process_test and all(t["status"] == "passed" for t in process_test)
    assert "a speed-up of" in markdown and "This is not graded" in markdown
    assert any("a speed-up of" in t["output"] for t in process_test)


def test_races_are_drawn_as_timelines_with_one_lane_per_thread(graded):
    markdown = (graded["out"] / "wrong" / "feedback.md").read_text(encoding="utf-8")
    html = (graded["out"] / "wrong" / "feedback.html").read_text(encoding="utf-8")
    header = next(line for line in markdown.splitlines() if line.startswith("| # | main |"))
    lanes = [cell.strip() for cell in header.strip("|").split("|")][1:]
    assert lanes[0] == "main" and len(lanes) >= 3 and len(set(lanes)) == len(lanes)
    assert "is preempted;" in markdown
    assert html.count('<table class="timeline">') >= 3  # each of the three lost-update races draws one
    assert "Thread-1" in html and "<th>main</th>" in html


def test_student_code_could_not_write_the_graders_files(graded):
    if os.getuid() != 0:
        pytest.skip("without root, student code runs as the grader's own user, which may write OUT")
    if not sandbox.privileges_dropped():
        pytest.skip(f"this machine cannot run student code as an unprivileged user: {sandbox.isolation().problems}")
    out: Path = graded["out"]
    assert not (out / "pwned.txt").exists()  # the submission tried to create it while the grader ran
    expected = {"gradebook.sqlite", "grades.csv", "report.html"} | {p.name for p in graded["subs"].iterdir()}
    assert {p.name for p in out.iterdir() if not p.name.startswith("gradebook.sqlite-")} == expected


def test_a_fork_bomb_meets_the_process_limit_rather_than_only_the_time_limit(graded):
    iso = sandbox.isolation()
    if iso.root and not iso.drop and iso.cgroup is None:
        pytest.skip(f"as root with neither a user change nor a pids cgroup, no process limit applies: {iso.problems}")
    results = load_json(graded["out"] / "fork-bomb" / "results.json")
    counter_tests = [t for t in results["tests"] if t["name"].startswith("counter: ")]
    assert counter_tests and all("failed with BlockingIOError" in t["output"] for t in counter_tests), \
        [t["output"][:200] for t in counter_tests]
    # one cause for every test: explained once, at the top of the exercise, and named in each test
    feedback = (graded["out"] / "fork-bomb" / "feedback.md").read_text(encoding="utf-8")
    assert feedback.count("failed with BlockingIOError") == len(counter_tests) + 1


def test_class_report_shows_histogram_pass_rates_and_common_mistakes(graded):
    html = (graded["out"] / "report.html").read_text(encoding="utf-8")
    assert "<h2>Scores</h2>" in html and "<h2>Pass rate per test</h2>" in html
    assert "<h2>Most common mistakes</h2>" in html
    book = Gradebook(graded["out"] / "gradebook.sqlite")
    try:
        results = book.all()
    finally:
        book.close()
    hang = next(r for r in results if r.student == "hang")
    assert {export.mistake_key(t) for e, t in hang.tests() if e.name == "counter"} == {"ran out of time"}
    # which mistakes make the top of the list depends on how many hostile students hit a time limit on
    # this machine; whatever made it is shown
    common = export.class_summary(results)["mistakes"]
    assert common and all(html_escape(m["mistake"]) in html for m in common)
    students = len(list(graded["subs"].iterdir()))
    assert f"{students} students" in html


def test_solution_passes_every_hidden_test(graded):
    data = load_json(graded["out"] / "right" / "results.json")
    assert data["tests"] and all(t["status"] == "passed" for t in data["tests"])
    assert solution_text("counter")  # the reference solution exists in a checkout
