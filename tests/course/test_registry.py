"""The registry: exercises declared once in their folders, discovered by convention, joined by course folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder import course as course_mod
from autograder.exercises import EXERCISES, PACKAGE_DIR, Exercise, RegistryError, package_exercises
from autograder.testing import IDEAS


@pytest.fixture(autouse=True)
def no_course_left_behind():
    yield
    course_mod.activate(None)


def declare(root: Path, name: str, body: str, *, package_init: bool = True) -> Path:
    folder = root / "exercises" / name
    folder.mkdir(parents=True)
    if package_init:
        (root / "exercises" / "__init__.py").write_text("", encoding="utf-8")
    (folder / "__init__.py").write_text(body, encoding="utf-8")
    return folder


def test_every_exercise_folder_of_the_package_is_in_the_registry_in_course_order():
    folders = sorted(p.name for p in PACKAGE_DIR.iterdir() if (p / "__init__.py").is_file() and p.name[0] != "_")
    assert sorted(EXERCISES) == folders
    orders = [(e.order, e.name) for e in EXERCISES.values()]
    assert orders == sorted(orders)
    for exercise in EXERCISES.values():
        assert exercise.exercise_dir == PACKAGE_DIR / exercise.name
        assert exercise.hidden_suite.is_file() and exercise.course is None


def test_a_course_folders_exercise_joins_the_course_and_its_ideas_join_IDEAS(tmp_path):
    declare(tmp_path, "relay", 'from autograder.exercises import Exercise\n'
                               'EXERCISE = Exercise("relay", "A relay", "baton passing", order=5, '
                               'ideas={"baton-test-idea": "Pass the baton under the lock."})\n')
    (tmp_path / "course.toml").write_text('exercises = ["relay", "counter"]\n', encoding="utf-8")
    course_mod.activate(course_mod.load(tmp_path))
    assert list(EXERCISES) == ["relay", "counter"]  # course.toml's choice and order
    relay = EXERCISES["relay"]
    assert relay.hidden_suite == tmp_path.resolve() / "exercises" / "relay" / "hidden_tests.py"
    assert relay.assignment_dir == tmp_path.resolve() / "assignments" / "relay"
    assert relay.solution == tmp_path.resolve() / "solutions" / "relay.py"
    assert IDEAS["baton-test-idea"] == "Pass the baton under the lock."
    course_mod.activate(None)
    assert [e.name for e in package_exercises()] == list(EXERCISES)


@pytest.mark.parametrize(("body", "words"), [
    ('"""no declaration"""\n', "declares no exercise"),
    ('from autograder.exercises import Exercise\nEXERCISE = Exercise("other", "t", "l")\n', "its folder is"),
    ('raise ValueError("boom")\n', "failed to import: ValueError: boom"),
    ('from autograder.exercises import Exercise\nEXERCISE = Exercise("counter", "t", "l")\n', "grader's own"),
])
def test_a_bad_declaration_is_one_clear_error(tmp_path, body, words):
    name = "counter" if '"counter"' in body else "relay_b"
    declare(tmp_path, name, body)
    with pytest.raises(course_mod.CourseError, match=words):
        course_mod.load(tmp_path)


def test_a_course_without_an_exercises_package_is_told_so(tmp_path):
    declare(tmp_path, "relay_c", "", package_init=False)
    with pytest.raises(course_mod.CourseError, match="exercises/__init__.py is missing"):
        course_mod.load(tmp_path)


def test_an_idea_cannot_be_redefined_with_other_words():
    key = next(iter(IDEAS))
    with pytest.raises(RegistryError, match="redefines the feedback idea"):
        Exercise("relay_d", "t", "l", ideas={key: IDEAS[key] + " (changed)"})
    Exercise("relay_e", "t", "l", ideas={key: IDEAS[key]})  # the same words are fine


def test_no_course_toml_in_the_current_folder_means_no_course(tmp_path):
    assert course_mod.find(None, cwd=tmp_path) is None
