"""Reproducible runs, shards merged into one whole run, and an interrupted run resumed."""

from __future__ import annotations

import json
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import (
    FAST_LIMITS,
    companions,
    full_marks,
    racy_counter,
    read_csv,
    run_cli,
    solution_text,
    write_submission,
)

STUDENT_FILES = ("results.json", "feedback.md", "feedback.html")


def small_class(folder: Path, catalogs, students: int = 4) -> Path:
    """Right, wrong (racy) and missing submissions, repeated to ``students`` folders. The first student
    hands in every exercise's solution; the others hand in the counter (right or racy) beside two
    other exercises (see ``companions``), which is what runs, resumes and shards are about."""
    kinds = [
        lambda: {**companions(catalogs), "counter.py": solution_text("counter")},
        lambda: {**companions(catalogs), "counter.py": racy_counter()},
        lambda: {"notes.txt": "nothing yet\n"},
    ]
    for i in range(students):
        files = full_marks(catalogs) if i == 0 else kinds[i % len(kinds)]()
        write_submission(folder / f"student-{i:02d}", files)
    return folder


# measured times are the one part of the feedback that may differ between runs (the speed-up note of a passed
# process test: "took 0.41 s with 1 process and 0.23 s with 2: a speed-up of 1.8x")
MEASURED = re.compile(r"\d+\.\d+ s\b|\d+\.\dx\b")


def without_durations(path: Path) -> dict:
    data = json.loads(MEASURED.sub("<t>", path.read_text(encoding="utf-8")))
    data.pop("execution_time", None)
    return data


def assert_same_outputs(a: Path, b: Path, students: list[str]) -> None:
    for name in ("grades.csv", "report.html"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    for student in students:
        for name in ("feedback.md", "feedback.html"):
            first, second = (MEASURED.sub("<t>", (x / student / name).read_text(encoding="utf-8")) for x in (a, b))
            assert first == second, (student, name)
        assert without_durations(a / student / "results.json") == without_durations(b / student / "results.json")


def test_same_seed_gives_identical_outputs_and_shards_merge_into_the_whole_run(tmp_path, catalogs):
    subs = small_class(tmp_path / "subs", catalogs, students=4)
    students = sorted(p.name for p in subs.iterdir())
    whole, again = tmp_path / "whole", tmp_path / "again"
    for out in (whole, again):
        done = run_cli("grade", str(subs), "--out", str(out), "--seed", "5", "--jobs", "2", *FAST_LIMITS)
        assert done.returncode == 0, done.stderr
    assert_same_outputs(whole, again, students)

    shards = []
    for k in (1, 2):
        out = tmp_path / f"shard{k}"
        done = run_cli("grade", str(subs), "--out", str(out), "--seed", "5", "--shard", f"{k}/2", "--jobs", "2",
                       *FAST_LIMITS)
        assert done.returncode == 0, done.stderr
        shards.append(out)
    parts = [{r[0] for r in read_csv(s / "grades.csv")[1:]} for s in shards]
    assert not parts[0] & parts[1] and parts[0] | parts[1] == set(students)
    merged = tmp_path / "merged"
    done = run_cli("merge", *map(str, shards), "--out", str(merged))
    assert done.returncode == 0, done.stderr
    assert_same_outputs(whole, merged, students)


def test_merge_refuses_outputs_graded_with_different_seeds(tmp_path, catalogs):
    subs = small_class(tmp_path / "subs", catalogs, students=2)
    for seed in ("1", "2"):
        done = run_cli("grade", str(subs), "--out", str(tmp_path / f"out{seed}"), "--seed", seed, "--shard",
                       f"{seed}/2", "--jobs", "2", "--quiet", *FAST_LIMITS)
        assert done.returncode == 0, done.stderr
    done = run_cli("merge", str(tmp_path / "out1"), str(tmp_path / "out2"), "--out", str(tmp_path / "m"))
    assert done.returncode == 2
    assert "different seeds" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "m" / "grades.csv").exists()


def graded_students(out: Path) -> dict[str, float]:
    path = out / "gradebook.sqlite"
    if not path.exists():
        return {}
    try:
        with sqlite3.connect(str(path), timeout=5) as db:
            return dict(db.execute("SELECT student, graded_at FROM submissions").fetchall())
    except sqlite3.OperationalError:
        return {}


def test_an_interrupted_run_resumes_and_regrades_only_what_changed(tmp_path, catalogs):
    subs = small_class(tmp_path / "subs", catalogs, students=6)
    out = tmp_path / "out"
    args = [sys.executable, "-m", "autograder.cli", "grade", str(subs), "--out", str(out), "--seed", "3",
            "--jobs", "1", "--quiet", *FAST_LIMITS]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while not graded_students(out) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    first = graded_students(out)
    if proc.returncode == 0:
        pytest.skip("the run finished before it could be interrupted")
    assert proc.returncode == 130, err
    assert "run the same command again to resume" in err
    assert 1 <= len(first) < 6
    assert not (out / "grades.csv").exists()  # class outputs are written whole, at the end

    done = run_cli("grade", str(subs), "--out", str(out), "--seed", "3", "--jobs", "2", "--quiet", *FAST_LIMITS)
    assert done.returncode == 0, done.stderr
    assert f"{6 - len(first)} graded now, {len(first)} unchanged" in done.stdout
    second = graded_students(out)
    assert len(second) == 6
    assert all(second[s] == first[s] for s in first)  # kept, not graded again
    assert len(read_csv(out / "grades.csv")) == 7

    # a changed file is graded again, and only that submission
    changed = subs / "student-01" / "counter.py"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n# fixed later\n", encoding="utf-8")
    done = run_cli("grade", str(subs), "--out", str(out), "--jobs", "2", "--quiet", *FAST_LIMITS)
    assert done.returncode == 0, done.stderr
    assert "1 graded now, 5 unchanged" in done.stdout and "(seed 3)" in done.stdout
    third = graded_students(out)
    assert third["student-01"] > second["student-01"]
    assert all(third[s] == second[s] for s in second if s != "student-01")


def test_each_grading_slot_gets_its_own_cpu_round_robin(monkeypatch):
    import os

    from autograder.grading.grader import worker_cpus

    assert worker_cpus(1) == [None], "one worker: the kernel (and the engine) place it"
    if not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2:
        assert worker_cpus(2) == [None, None]
        return
    allowed = sorted(os.sched_getaffinity(0))
    two = worker_cpus(2)
    assert len(set(two)) == 2 and set(two) <= set(allowed)
    many = worker_cpus(len(allowed) + 1)
    assert many[: len(allowed)] == allowed and many[-1] == allowed[0]
    monkeypatch.setenv("AUTOGRADER_RACE_PIN", "0")
    assert worker_cpus(2) == [None, None]


def test_a_child_pins_itself_only_to_a_cpu_it_may_use():
    import os

    from autograder.grading.child import pin_to_cpu

    if not hasattr(os, "sched_getaffinity"):
        pytest.skip("no CPU affinity on this system")
    before = os.sched_getaffinity(0)
    for nonsense in (None, "0", True, -1, 10_000, 1.5):
        pin_to_cpu(nonsense)
        assert os.sched_getaffinity(0) == before
    cpu = min(before)
    try:
        pin_to_cpu(cpu)
        assert os.sched_getaffinity(0) == {cpu}
    finally:
        os.sched_setaffinity(0, before)
