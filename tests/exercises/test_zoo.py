"""The hidden suites against the zoo: every wrong sample loses points where it should, every right one never.

Each exercise's zoo (``zoo/<exercise>/``) holds complete student modules: ``right/<technique>.py``
and ``wrong/<mistake>.py``, and ``manifest.json`` maps each wrong sample to the hidden tests
aimed at its mistake, with the idea (a key of ``IDEAS``) their feedback must teach.

The runner is the one ``autograder validate`` uses (:mod:`autograder.grading.validate`); these
meta-tests sweep further. The sweeps, and the knobs that size them (environment variables):

* right samples: full marks on every one of ``AG_META_SEEDS`` base seeds (default 8: seeds
  1..100), each race check exploring ``AG_META_RUNS_SCALE`` times the schedules the grader
  explores, rounded up (default 0.1; 1 is exactly the grader's budget). A seed explores the same
  schedules in the same order at any scale: a scaled sweep runs a prefix of the grader's. The
  reference solution gets the same sweep over ``AG_META_SOLUTION_SEEDS`` seeds (default 8; the
  zoo's ``lock`` samples are written the same way).
* the realistic group (``zoo/<exercise>/realistic/``, the manifest's ``realistic`` key): code
  written the way students write it (other start methods, locks made at import time, timed joins,
  standard-library helpers, other ways to open a file...), swept exactly like the other samples.
  A sample whose verdict needs an engine change from another branch names it under ``needs``;
  the sweep skips it with that reason until the engine has it.
* public tests: every wrong sample the manifest's ``public`` key names fails at least one of the
  public tests students get (``assignments/<exercise>/test_<exercise>.py``), on every one of
  ``AG_META_PUBLIC_SEEDS`` base seeds (default 6), so the classic mistake shows before grading.
* wrong samples: each aimed test fails on every one of ``AG_META_WRONG_SEEDS`` base seeds
  (default 6), at the grader's own budget (scale 1). The first seed also runs the whole suite,
  with shrinking as the grader does, and checks the feedback and that the sample still earns
  points elsewhere (it is a near miss, not a broken file).
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import pytest

from autograder.exercises import EXERCISES
from autograder.grading.validate import hidden_tests, manifest, run_public, run_suite, samples, schedules, stage
from autograder.testing import IDEAS

SEEDS = int(os.environ.get("AG_META_SEEDS", "8"))
SOLUTION_SEEDS = int(os.environ.get("AG_META_SOLUTION_SEEDS", "8"))
RUNS_SCALE = float(os.environ.get("AG_META_RUNS_SCALE", "0.1"))
WRONG_SEEDS = int(os.environ.get("AG_META_WRONG_SEEDS", "6"))
PUBLIC_SEEDS = int(os.environ.get("AG_META_PUBLIC_SEEDS", "6"))
GROUPS = ("", "realistic")
CHUNKS = 4  # each right sample's sweep is split in this many test items, so xdist can share them out


def first_doc_line(path: Path) -> str:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def group_manifest(exercise: str, group: str) -> dict:
    """The manifest's entries for one group: the whole manifest for the classic samples."""
    data = manifest(exercise)
    return data.get(group, {"right": {}, "wrong": {}}) if group else data


def _needs(exercise: str, group: str, name: str) -> list:
    """A skip mark for a sample whose verdict needs an engine change from another branch."""
    need = group_manifest(exercise, group).get("needs", {}).get(name)
    return [pytest.mark.skip(reason=f"needs the {need} branch")] if need else []


def _label(group: str, name: str) -> str:
    return f"{group}/{name}" if group else name


def _wrong_cases() -> list:
    return [pytest.param(ex, group, name, id=f"{ex}-{_label(group, name)}", marks=_needs(ex, group, name))
            for ex in EXERCISES for group in GROUPS for name in group_manifest(ex, group)["wrong"]]


def _right_cases() -> list:
    cases = []
    for ex in EXERCISES:
        for group in GROUPS:
            for name in group_manifest(ex, group)["right"]:
                for chunk in range(CHUNKS):
                    seeds = tuple(range(1 + chunk, SEEDS + 1, CHUNKS))
                    cases.append(pytest.param(ex, group, name, seeds, marks=_needs(ex, group, name),
                                              id=f"{ex}-{_label(group, name)}-{chunk + 1}of{CHUNKS}"))
        cases.append(pytest.param(ex, "", "<solution>", tuple(range(1, SOLUTION_SEEDS + 1)), id=f"{ex}-solution"))
    return cases


def _public_cases() -> list:
    cases = []
    for ex in EXERCISES:
        for label in manifest(ex).get("public", []):
            group, _, name = label.rpartition("/")
            cases.append(pytest.param(ex, group, name, id=f"{ex}-{label}", marks=_needs(ex, group, name)))
    return cases


def _sample_path(exercise: str, kind: str, name: str, group: str = "") -> Path:
    if name == "<solution>":
        solution = EXERCISES[exercise].solution
        assert solution is not None
        return solution
    folder = EXERCISES[exercise].samples_dir
    return (folder / group / kind if group else folder / kind) / f"{name}.py"


# ------------------------------------------------------------------------------ the zoo itself


@pytest.mark.parametrize("exercise", list(EXERCISES))
def test_the_manifest_describes_the_zoo(exercise):
    data = manifest(exercise)
    assert data["exercise"] == exercise
    right = {p.stem for p in samples(exercise, "right")}
    wrong = {p.stem for p in samples(exercise, "wrong")}
    assert set(data["right"]) == right, "every right sample, and only those, is in the manifest"
    assert set(data["wrong"]) == wrong, "every wrong sample, and only those, is in the manifest"
    assert len(right) >= 3 and len(wrong) >= 8
    realistic = group_manifest(exercise, "realistic")
    assert set(realistic["right"]) == {p.stem for p in samples(exercise, "right", "realistic")}
    assert set(realistic["wrong"]) == {p.stem for p in samples(exercise, "wrong", "realistic")}
    if "realistic" in data:  # the four first exercises have one (the newer ones only their classic zoo)
        assert len(realistic["right"]) >= 3 and len(realistic["wrong"]) >= 3
    assert set(realistic.get("needs", {})) <= set(realistic["right"]) | set(realistic["wrong"])
    for label in data.get("public", []):
        group, _, name = label.rpartition("/")
        assert name in group_manifest(exercise, group)["wrong"], f"public: {label} is not a wrong sample"
    suite = {t.name for t in hidden_tests(exercise)}
    for name, aimed in list(data["wrong"].items()) + list(realistic["wrong"].items()):
        assert aimed, f"{name} is aimed at no test"
        for test, idea in aimed.items():
            assert test in suite, f"{name} is aimed at {test}, which the suite does not have"
            assert idea is None or all(one in IDEAS for one in (idea if isinstance(idea, list) else [idea])), \
                f"{name}: unknown idea {idea!r}"


@pytest.mark.parametrize("exercise", list(EXERCISES))
def test_every_sample_names_its_technique_or_mistake_and_no_two_are_alike(exercise):
    techniques, mistakes, everything = [], [], []
    for group in GROUPS:
        data = group_manifest(exercise, group)
        for path in samples(exercise, "right", group):
            line = first_doc_line(path)
            technique = line.split(":")[0]
            assert technique == data["right"][path.stem], f"{path.name}: its docstring should start with its technique"
            techniques.append(technique)
        mistakes += [first_doc_line(p) for p in samples(exercise, "wrong", group)]
        everything += samples(exercise, "wrong", group) + samples(exercise, "right", group)
    assert len(set(techniques)) == len(techniques), "two right samples use the same technique"
    assert all(mistakes), "every wrong sample's docstring names its mistake on its first line"
    assert len(set(mistakes)) == len(mistakes), "two wrong samples describe the same mistake"
    sources = [re.sub(r'^""".*?"""', "", p.read_text(encoding="utf-8"), flags=re.S) for p in everything]
    assert len(set(sources)) == len(sources), "two samples have the same code"


# --------------------------------------------------------------------------------- the sweeps


@pytest.mark.parametrize(("exercise", "group", "name"), _wrong_cases())
def test_a_wrong_sample_loses_points_on_the_tests_aimed_at_its_mistake(exercise, group, name, tmp_path):
    aimed = group_manifest(exercise, group)["wrong"][name]
    folder = stage(_sample_path(exercise, "wrong", name, group), exercise, tmp_path / "submission")

    # seed 1: the whole suite, exactly as the grader runs it
    results = run_suite(exercise, folder, 1, scratch=tmp_path)
    total = sum(r.points for r in results.values())
    assert 0 < total < EXERCISES[exercise].points, f"{name} earned {total}: a near miss should earn some points"
    for test, idea in aimed.items():
        result = results[test]
        assert not result.passed, f"seed 1: {name} passed {test}, which is aimed at its mistake"
        _check_feedback(result.feedback, idea, folder)

    # every other seed: the aimed tests, at the grader's budget (shrinking only changes the excerpt)
    escaped = []
    with schedules(scale=1.0, shrink=False):
        for seed in range(2, WRONG_SEEDS + 1):
            for test, result in run_suite(exercise, folder, seed, only=list(aimed), scratch=tmp_path).items():
                if result.passed:
                    escaped.append((seed, test))
    assert not escaped, f"{name} escaped its aimed tests on (seed, test): {escaped}"


def _check_feedback(text: str, idea: str | None, folder: Path) -> None:
    assert text.strip(), "a failed test must say what broke"
    assert "Traceback" not in text and 'File "' not in text, f"traceback noise in the feedback:\n{text}"
    assert "autograder" + os.sep not in text, f"the grader's own files appear in the feedback:\n{text}"
    assert str(folder) not in text, "the feedback shows an absolute path of the grading machine"
    if idea is not None:
        # a list: the mistake can show as either (a lost update, or a check and an act torn apart)
        ideas = idea if isinstance(idea, list) else [idea]
        assert any(IDEAS[one] in text for one in ideas), f"the feedback should explain the idea {idea!r}:\n{text}"


@pytest.mark.parametrize(("exercise", "group", "name", "seeds"), _right_cases())
def test_a_right_sample_earns_full_marks_on_every_seed(exercise, group, name, seeds, tmp_path):
    folder = stage(_sample_path(exercise, "right", name, group), exercise, tmp_path / "submission")
    lost = []
    with schedules(scale=RUNS_SCALE):
        for seed in seeds:
            for test, result in run_suite(exercise, folder, seed, scratch=tmp_path).items():
                if not result.passed:
                    lost.append(f"seed {seed}, {test}:\n{result.feedback}")
    assert not lost, f"{name} lost points on a correct answer:\n\n" + "\n\n".join(lost)


@pytest.mark.parametrize(("exercise", "group", "name"), _public_cases())
def test_the_public_tests_catch_the_classic_mistake_on_every_seed(exercise, group, name, tmp_path):
    folder = stage(_sample_path(exercise, "wrong", name, group), exercise, tmp_path / "submission")
    passed_all = []
    for seed in range(1, PUBLIC_SEEDS + 1):
        results = run_public(exercise, folder, seed, scratch=tmp_path)
        if all(r.passed for r in results.values()):
            passed_all.append(seed)
    assert not passed_all, f"{name} passed every public test on seeds {passed_all}"


@pytest.mark.parametrize("exercise", list(EXERCISES))
def test_the_public_tests_pass_the_solution(exercise, tmp_path):
    folder = stage(_sample_path(exercise, "right", "<solution>"), exercise, tmp_path / "submission")
    for seed in range(1, 4):
        failed = {n: r.feedback for n, r in run_public(exercise, folder, seed, scratch=tmp_path).items()
                  if not r.passed}
        assert not failed, f"seed {seed}: the solution failed public tests: {failed}"
