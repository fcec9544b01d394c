"""The hostile group: submissions that try to forge or evade a score, leak a hidden suite or a solution,
or shadow a module the grader imports, graded through the real command line over a few seeds.

Every one of them is a racy counter (the honest part of its code) plus an attack; the class also
holds that racy counter alone (``baseline``) and the reference solution (``right``). Each attack
must earn no more than the baseline, be flagged as tampering in its feedback and in grades.csv,
and no output file may contain a line of a hidden suite or of a reference solution.
"""

from __future__ import annotations

import csv
import html
import os
from pathlib import Path

import pytest

from autograder.grading import guard_leaks

from .conftest import FAST_LIMITS, HOSTILE, run_cli, solution_text, write_submission

ATTACKS = HOSTILE / "attacks"
SEEDS = [int(s) for s in os.environ.get("AG_HOSTILE_SEEDS", "4").split(",") if s.strip()]
OUTPUTS = ("feedback.md", "feedback.html", "results.json")
# attacks that find nothing to take when the grader holds: they earn what their honest code earns,
# and the static screen flags them (reach_walk walks every object reachable from sys.modules; the
# suites the other two look for there are taken out before any student code runs)
UNREFUSED = {"reach_walk", "suite_module_vars", "swap_and_restore"}
# attacks that need a thread of theirs to keep running past their import: each test refuses to run
# beside it (the student is told so), which costs the points without any change of the grader's
THREAD_ON_IMPORT = {"linecache_poll"}
# wrong code that hides from the engine rather than from the grader: it must earn no more than the
# racy counter it is, and nothing flags it (there is nothing to flag)
HIDES_FROM_THE_ENGINE = {"burn_budget", "exec_wrapped", "importlib_loader", "temp_site_packages", "env_detect",
                         "relpath_compile"}
# attacks made from a forked copy of the child: the copy is refused as the child would be, but only the
# copy knows it; they earn what their honest code earns, and the static screen flags the fork for review
FORKED_COPY = {"fork_forge", "fork_leak"}


def attack_names() -> list[str]:
    return sorted(p.stem for p in ATTACKS.glob("*.py") if not p.stem.startswith("_"))


def attack_source(name: str) -> str:
    text = (ATTACKS / f"{name}.py").read_text(encoding="utf-8")
    if "class Counter" not in text:
        text += "\n\n" + (ATTACKS / "_racy.py").read_text(encoding="utf-8")
    return text


def build_class(folder: Path) -> Path:
    write_submission(folder / "baseline", {"counter.py": (ATTACKS / "_racy.py").read_text(encoding="utf-8")})
    write_submission(folder / "right", {"counter.py": solution_text("counter")})
    for name in attack_names():
        write_submission(folder / name, {"counter.py": attack_source(name)})
    return folder


def secret_lines(catalogs) -> set[str]:
    """Distinctive lines of the hidden suites and the solutions (public material left out)."""
    leaks = guard_leaks.leak_filter([c.suite for c in catalogs.values()])
    return {line for line in leaks.secret if len(line) >= 25}


@pytest.fixture(scope="module", params=SEEDS, ids=lambda s: f"seed{s}")
def graded(request, once_per_session, catalogs) -> dict:
    def make(root: Path) -> dict:
        subs = build_class(root / "subs")
        out = root / "out"
        done = run_cli("grade", str(subs), "--out", str(out), "--jobs", "2", "--seed", str(request.param),
                       *FAST_LIMITS)
        assert done.returncode == 0, done.stderr
        return {"out": str(out)}

    out = Path(once_per_session(f"hostile-{request.param}", make)["out"])
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    return {"out": out, "rows": rows}


def test_no_attack_earns_more_than_its_honest_code_and_each_is_flagged(graded):
    rows = graded["rows"]
    baseline = float(rows["baseline"]["counter"])
    assert float(rows["right"]["counter"]) == 25.0 and rows["right"]["flags"] == ""
    assert "tampering" not in rows["baseline"]["flags"]
    for name in attack_names():
        assert float(rows[name]["counter"]) <= baseline, (name, rows[name])
        if name in HIDES_FROM_THE_ENGINE:
            continue
        if name in UNREFUSED:
            continue
        if name in THREAD_ON_IMPORT or name in FORKED_COPY:
            assert "review: counter.py:" in rows[name]["flags"], (name, "the static screen saw nothing")
            continue
        assert "tampering" in rows[name]["flags"], (name, rows[name]["flags"])
        # the static screen saw it: a construct for review, or one that costs the exercise by itself
        assert "review: counter.py:" in rows[name]["flags"] or "(counter.py line" in rows[name]["flags"], \
            (name, "the static screen saw nothing")


def test_the_student_is_told_in_plain_words_what_was_refused(graded):
    out = graded["out"]
    for name in attack_names():
        if name in UNREFUSED or name in HIDES_FROM_THE_ENGINE:
            continue
        feedback = (out / name / "feedback.md").read_text(encoding="utf-8")
        if name in FORKED_COPY:
            assert "LEAK<" not in feedback, (name, "a hidden suite reached the feedback")
            continue
        if name in THREAD_ON_IMPORT:
            assert "started a thread that was still running afterwards" in feedback, name
            assert "LEAK<" not in feedback, (name, "a hidden suite, encoded, reached the feedback")
            continue
        assert "interfered with the grader" in feedback, name
        assert "refused or caught it" in feedback or "hidden tests or of the reference solution" in feedback, name
    gc_walk = (out / "gc_report_hook" / "feedback.md").read_text(encoding="utf-8")
    assert "searched the grader's memory (gc.get_objects) (counter.py line" in gc_walk
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "Flagged for review" in report and "gc_report_hook" in report.split("Flagged for review", 1)[1]


def test_no_output_holds_a_line_of_a_hidden_suite_or_a_solution(graded, catalogs):
    secrets = secret_lines(catalogs)
    assert len(secrets) > 100
    out = graded["out"]
    files = [out / "grades.csv", out / "report.html"]
    for name in [*attack_names(), "baseline"]:
        files += [out / name / f for f in OUTPUTS]
    for path in files:
        text = path.read_text(encoding="utf-8")
        text = html.unescape(text).replace("\\n", "\n").replace('\\"', '"')
        lines = {guard_leaks.normalize(line).strip("'\"`,") for line in text.splitlines()}
        leaked = [line for line in secrets if line in lines]
        assert not leaked, (path, leaked[:3])
