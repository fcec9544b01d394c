"""Fairness sweep: independent student-like samples graded through the real CLI.

``tests/exercises/fairness/manifest.json`` lists samples written apart from the zoo, each proven on
real CPython threads by ``fairness/prove.py`` (its ``evidence``). For every exercise and seed, one
``autograder grade`` run grades all of that exercise's samples (one student folder per sample, the
other three exercises absent). A verdict is right when a correct sample earns 25/25 on every seed,
and a wrong one loses points on every seed in a test whose name matches one of its ``expect``
phrases and whose feedback is about the code (not a tampering or grader-fault notice); and no
sample (none of them reaches into the grader) is ever told it tampered. Samples the
grader judges wrongly today are marked ``xfail(strict=True)`` from the manifest's ``xfail`` reason.

``AG_FAIRNESS_SEEDS`` (default 2) sets how many seeds (1..N) are swept.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent / "fairness"
MANIFEST = json.loads((HERE / "manifest.json").read_text())
SEEDS = tuple(range(1, int(os.environ.get("AG_FAIRNESS_SEEDS", "2")) + 1))
NOT_ABOUT_THE_CODE = {"tampered", "grader-fault", "fault", "missing", "error"}


@dataclass(frozen=True)
class Lost:
    """One test of the sample's exercise that did not earn full marks."""

    name: str
    lost: float
    tags: tuple[str, ...]
    first_line: str


def grade(exercise: str, seed: int, root: Path) -> dict[str, tuple[float, list[Lost]]]:
    """Grade every sample of ``exercise`` with ``seed``; map sample name to (points, lost tests)."""
    subs = root / f"subs-{exercise}-{seed}"  # one folder per run: runs of one exercise may overlap
    if not subs.exists():
        for sample in MANIFEST["samples"]:
            if sample["exercise"] == exercise:
                folder = subs / f"{exercise}__{sample['sample']}"
                folder.mkdir(parents=True)
                shutil.copy(HERE / exercise / f"{sample['sample']}.py", folder / f"{exercise}.py")
    out = root / f"out-{exercise}-{seed}"
    cmd = [sys.executable, "-c", "import sys; from autograder.cli import main; sys.exit(main())",
           "grade", str(subs), "--out", str(out), "--seed", str(seed), "--jobs", "2", "--quiet"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=1200)
    assert (out / "grades.csv").exists(), done.stderr[-2000:]
    verdicts: dict[str, tuple[float, list[Lost]]] = {}
    for folder in subs.iterdir():
        results = json.loads((out / folder.name / "results.json").read_text())
        mine = [t for t in results["tests"] if t["name"].startswith(f"{exercise}:")]
        lost = [Lost(t["name"], t["max_score"] - t["score"], tuple(t.get("tags", ())),
                     (t.get("output") or "").strip().splitlines()[0] if (t.get("output") or "").strip() else "")
                for t in mine if t["score"] < t["max_score"]]
        verdicts[folder.name.split("__", 1)[1]] = (sum(t["score"] for t in mine), lost)
    return verdicts


@pytest.fixture(scope="module")
def graded(once_per_session):
    """Grades lazily: one CLI run per (exercise, seed), shared by the module's cases and, under
    xdist, by every worker (``once_per_session``)."""
    cache: dict[tuple[str, int], dict] = {}

    def get(exercise: str, seed: int) -> dict[str, tuple[float, list[Lost]]]:
        if (exercise, seed) not in cache:
            raw = once_per_session(f"fairness-{exercise}-{seed}", lambda folder: {
                k: [v[0], [asdict(t) for t in v[1]]] for k, v in grade(exercise, seed, folder).items()})
            cache[exercise, seed] = {k: (v[0], [Lost(t["name"], t["lost"], tuple(t["tags"]), t["first_line"])
                                                for t in v[1]]) for k, v in raw.items()}
        return cache[exercise, seed]

    return get


def _case(sample: dict):
    marks = []
    if sample.get("xfail"):
        marks.append(pytest.mark.xfail(strict=True, reason=f"fairness: {sample['xfail']}"))
    return pytest.param(sample, id=f"{sample['exercise']}-{sample['sample']}", marks=marks)


def test_manifest_matches_the_files() -> None:
    listed = {(s["exercise"], s["sample"]) for s in MANIFEST["samples"]}
    on_disk = {(p.parent.name, p.stem) for p in HERE.glob("*/*.py")}
    assert listed == on_disk
    for sample in MANIFEST["samples"]:
        assert sample["kind"] in ("correct", "wrong") and sample["evidence"]
        assert (sample["kind"] == "wrong") == bool(sample["expect"]), sample["sample"]


def test_every_sample_has_real_thread_evidence_that_agrees_with_its_kind() -> None:
    """``fairness/evidence.json`` holds what ``prove.py all`` saw with real threads: a sample called
    correct failed none of the task's checks, a sample called wrong failed at least one."""
    evidence = json.loads((HERE / "evidence.json").read_text())
    missing, disagree = [], []
    for sample in MANIFEST["samples"]:
        key = f"{sample['exercise']}/{sample['sample']}"
        if key not in evidence:
            missing.append(key)
        elif (sample["kind"] == "correct") != (not evidence[key]["failed"]):
            disagree.append(f"{key}: called {sample['kind']}, real threads: {evidence[key]['failed'] or 'all passed'}")
    assert not missing, f"no real-thread evidence (run fairness/prove.py all): {missing}"
    assert not disagree, disagree
    listed = {f"{s['exercise']}/{s['sample']}" for s in MANIFEST["samples"]}
    assert not set(evidence) - listed, f"evidence for samples that are gone: {sorted(set(evidence) - listed)}"


def test_every_expected_test_names_a_test_of_the_suite() -> None:
    """An ``expect`` entry that matches no test (a docstring reworded since) would make the sample's
    own mistake, caught by the very test it names, look like a miss."""
    from autograder.grading.validate import hidden_tests

    titles: dict[str, list[str]] = {}
    stale = []
    for sample in MANIFEST["samples"]:
        exercise = sample["exercise"]
        if exercise not in titles:
            titles[exercise] = [f"{exercise}: {(t.function.__doc__ or '').strip().splitlines()[0]}"
                                for t in hidden_tests(exercise)]
        stale += [f"{sample['sample']}: {part!r}" for part in sample["expect"] or []
                  if not any(part in title for title in titles[exercise])]
    assert not stale, "expected tests that no test of the suite is called:\n" + "\n".join(stale)


@pytest.mark.parametrize("sample", [_case(s) for s in MANIFEST["samples"]])
def test_verdict_is_right(sample: dict, graded) -> None:
    problems = []
    for seed in SEEDS:
        points, lost = graded(sample["exercise"], seed)[sample["sample"]]
        accused = [t for t in lost if "tampered" in t.tags]
        if accused:
            problems.append(f"seed {seed}: told it tampered with the grader in {len(accused)} test(s), e.g. "
                            f"{accused[0].name}: {accused[0].first_line[:150]}")
        if sample["kind"] == "correct":
            if points != 25:
                problems.append(f"seed {seed}: {points}/25, lost " + "; ".join(
                    f"{t.name} ({t.lost:g}): {t.first_line[:150]}" for t in lost))
            continue
        aimed = [t for t in lost if any(p in t.name for p in sample["expect"])
                 and not NOT_ABOUT_THE_CODE & set(t.tags)]
        if not aimed:
            problems.append(f"seed {seed}: {points}/25, no aimed test lost points; lost: " + ("; ".join(
                f"{t.name} [{','.join(t.tags)}]: {t.first_line[:150]}" for t in lost) or "nothing"))
    assert not problems, f"{sample['kind']} sample {sample['sample']} ({sample['what']}):\n" + "\n".join(problems)
