"""``autograder new NAME``: scaffold an exercise in a course folder, ready to validate and to grade.

It writes, in the course folder's layout (see :mod:`autograder.course`): the exercise's declaration
and a hidden suite worth 25 points, the task README, a reference solution with answer markers, the
starter generated from it, public tests with one race test, and samples (one right, one wrong)
with their manifest. The scaffold is a small working exercise (a tally many threads add to) so
that ``autograder validate NAME --course DIR`` passes before the instructor changes anything.
"""

from __future__ import annotations

import importlib.util
import keyword
import sys
from pathlib import Path

from autograder.course import COURSE_FILE
from autograder.exercises import package_exercises
from autograder.exercises.starter import make_starter


class ScaffoldError(ValueError):
    """The name or the folder cannot take a new exercise (one line for the instructor)."""


PACKAGE_INIT = '"""This course\'s exercises: one folder each (see autograder.exercises)."""\n'

COURSE_TOML = """\
# The course's choices; every key is optional and an unknown key is an error.
# exercises = ["counter", "{name}"]      # the graded exercises, in the gradebook's order (default: all)
# time_limit = 60                        # seconds one test may take
# exercise_time_limit = 300              # seconds all tests of one exercise may take
#
# [points.{name}]                        # points per test, replacing @pytest.mark.points
# test_no_addition_is_lost = 10
"""

DECLARATION = '''\
"""The {name} exercise: declared here, graded by hidden_tests.py."""

from autograder.exercises import Exercise

EXERCISE = Exercise(
    "{name}", "{title}", "a total many threads add to needs one lock around read-add-write",
    order=100, points=25,
    # feedback ideas this suite teaches, beyond autograder.testing.IDEAS: key -> a paragraph
    ideas={{}},
)
'''

SUITE = '''\
"""Hidden suite for {name}.py: 25 points. Runs the student's code under the race engine."""

from __future__ import annotations

import threading

import pytest

from autograder.exercises.harness import solo
from autograder.testing import expect, race_check

STUDENT_MODULE = "{name}"


@pytest.mark.points(5)
def test_one_thread_adds_up(student, fake):
    """Adding with one thread."""
    amounts = [fake.random_int(0, 9) for _ in range(8)]

    def body():
        tally = student.Tally()
        expect(tally.total == 0, f"Tally() should start at 0, not {{tally.total}}.")
        for amount in amounts:
            tally.add(amount)
        expect(tally.total == sum(amounts),
               f"After adding {{amounts}} the total should be {{sum(amounts)}}, not {{tally.total}}.")

    solo(body)


@pytest.mark.points(10)
def test_no_addition_is_lost(student):
    """Two threads adding at once lose nothing."""

    def body():
        tally = student.Tally()

        def work():
            for _ in range(10):
                tally.add(1)

        threads = [threading.Thread(target=work) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        expect(tally.total == 20, f"{{20 - tally.total}} of 20 additions were lost.")

    race_check(body, runs=200, idea="read-modify-write")


@pytest.mark.points(10)
def test_add_concurrently_totals_every_thread(student, fake):
    """add_concurrently runs its threads and loses no addition."""
    n_threads, per_thread = fake.random_int(2, 3), fake.random_int(3, 6)

    def body():
        total = student.add_concurrently(n_threads, per_thread)
        wanted = n_threads * per_thread
        expect(total == wanted,
               f"add_concurrently({{n_threads}}, {{per_thread}}) should return {{wanted}}, not {{total}}.")

    race_check(body, runs=200, idea="read-modify-write")
'''

SOLUTION = '''\
"""A tally many threads add to.

Write ``Tally`` so that additions from many threads at once are never lost, and
``add_concurrently`` so that it really runs its threads at the same time.
"""

import threading  # noqa: F401 - you will need it


class Tally:
    """A thread-safe running total."""

    def __init__(self) -> None:
        ### BEGIN SOLUTION
        self._total = 0
        self._lock = threading.Lock()
        ### END SOLUTION

    def add(self, amount: int) -> None:
        """Add ``amount`` to the total."""
        ### BEGIN SOLUTION
        with self._lock:
            self._total += amount
        ### END SOLUTION

    @property
    def total(self) -> int:
        """The total so far."""
        ### BEGIN SOLUTION
        with self._lock:
            return self._total
        ### END SOLUTION


def add_concurrently(n_threads: int, per_thread: int) -> int:
    """Start ``n_threads`` threads that each add 1 ``per_thread`` times to one Tally; return its total."""
    ### BEGIN SOLUTION
    tally = Tally()

    def work() -> None:
        for _ in range(per_thread):
            tally.add(1)

    threads = [threading.Thread(target=work) for _ in range(n_threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally.total
    ### END SOLUTION
'''

RIGHT_SAMPLE = '''\
"""RLock: a re-entrant lock around every read and write of the total."""

import threading


class Tally:
    def __init__(self):
        self._total = 0
        self._lock = threading.RLock()

    def add(self, amount):
        with self._lock:
            self._total = self._total + amount

    @property
    def total(self):
        with self._lock:
            return self._total


def add_concurrently(n_threads, per_thread):
    tally = Tally()

    def work():
        for _ in range(per_thread):
            tally.add(1)

    threads = [threading.Thread(target=work) for _ in range(n_threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally.total
'''

WRONG_SAMPLE = '''\
"""No lock: `self._total += amount` from two threads loses additions."""

import threading


class Tally:
    def __init__(self):
        self._total = 0

    def add(self, amount):
        self._total += amount

    @property
    def total(self):
        return self._total


def add_concurrently(n_threads, per_thread):
    tally = Tally()

    def work():
        for _ in range(per_thread):
            tally.add(1)

    threads = [threading.Thread(target=work) for _ in range(n_threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally.total
'''

MANIFEST = """\
{{
  "exercise": "{name}",
  "about": "right: sample -> technique. wrong: sample -> the hidden tests aimed at its mistake, each with \
the IDEAS key its feedback must teach (null: a plain functional check).",
  "right": {{"rlock": "RLock"}},
  "wrong": {{
    "no_lock": {{"test_no_addition_is_lost": "read-modify-write",
                "test_add_concurrently_totals_every_thread": "read-modify-write"}}
  }}
}}
"""

PUBLIC_TESTS = '''\
"""Public checks for {name}.py. Run them with `autograder check {name}` (or `pytest` here).

The race test runs your code under the grader's race engine: it decides which thread runs next
between every instruction of your code, so a lost addition shows up within a second, every time.
"""

import threading

from autograder.testing import expect, race_check

STUDENT_MODULE = "{name}"


def test_starts_at_zero_and_adds(student):
    tally = student.Tally()
    expect(tally.total == 0, f"Tally() should start at 0, not {{tally.total}}.")
    tally.add(2)
    tally.add(3)
    expect(tally.total == 5, f"0 + 2 + 3 should be 5, but total is {{tally.total}}.")


def test_two_threads_lose_no_additions(student):
    def body():
        tally = student.Tally()

        def work():
            for _ in range(10):
                tally.add(1)

        threads = [threading.Thread(target=work) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        expect(tally.total == 20, f"{{20 - tally.total}} of 20 additions were lost.")

    race_check(body, runs=60, idea="read-modify-write")
'''

README = """\
# {title}

*The lesson: a total many threads add to needs one lock around read-add-write.*

`total += amount` looks like one step, but Python runs it as three: read the total, add, write
the result back. Two threads can both read 7 and both write 8: one addition is lost.

## Your task

Complete `{name}.py`:

- `Tally()`, with `add(amount)` and a read-only property `total`. Many threads may call `add` at
  once; no addition may be lost.
- `add_concurrently(n_threads, per_thread)` makes one `Tally`, starts `n_threads` threads that
  each call `add(1)` `per_thread` times, waits for all of them, and returns the total.

## Check your work

    autograder check {name}

The checks run your threads under a race engine that tries the orderings that break such code; a
failure shows the interleaving it found and the command that replays it.
"""


def check_name(name: str, course: Path) -> None:
    """Raise ScaffoldError unless ``name`` can be a new exercise (and student module) in ``course``."""
    if not name.isidentifier() or keyword.iskeyword(name):
        raise ScaffoldError(f"{name!r} is not a valid exercise name: it becomes the student's module {name}.py, "
                            "so use letters, digits and underscores, not starting with a digit (e.g. bank_queue)")
    if name != name.lower():
        raise ScaffoldError(f"{name!r}: use lower case for an exercise name (a module name), e.g. {name.lower()!r}")
    if name in sys.stdlib_module_names:
        raise ScaffoldError(f"{name!r} is a module of Python's standard library: a student's {name}.py would shadow "
                            "it, so choose another name")
    if name in {e.name for e in package_exercises()}:
        raise ScaffoldError(f"{name!r} is one of the grader's own exercises: choose another name")
    for existing in (course / "exercises" / name, course / "assignments" / name, course / "solutions" / f"{name}.py"):
        if existing.exists():
            raise ScaffoldError(f"{existing} exists already: the course has an exercise {name!r}")
    try:
        installed = importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        installed = True
    if installed:
        raise ScaffoldError(f"{name!r} is the name of an installed module: a student's {name}.py would shadow it, "
                            "so choose another name")


def scaffold(name: str, course: Path) -> list[Path]:
    """Write the exercise ``name`` into the course folder ``course`` (created if needed); the files written."""
    check_name(name, course)
    title = name.replace("_", " ").capitalize()
    solution = SOLUTION
    files = {
        course / "exercises" / "__init__.py": PACKAGE_INIT,
        course / "exercises" / name / "__init__.py": DECLARATION.format(name=name, title=title),
        course / "exercises" / name / "hidden_tests.py": SUITE.format(name=name),
        course / "solutions" / f"{name}.py": solution,
        course / "assignments" / name / f"{name}.py": make_starter(solution),
        course / "assignments" / name / f"test_{name}.py": PUBLIC_TESTS.format(name=name),
        course / "assignments" / name / "README.md": README.format(name=name, title=title),
        course / "samples" / name / "manifest.json": MANIFEST.format(name=name),
        course / "samples" / name / "right" / "rlock.py": RIGHT_SAMPLE,
        course / "samples" / name / "wrong" / "no_lock.py": WRONG_SAMPLE,
        course / COURSE_FILE: COURSE_TOML.format(name=name),
    }
    written = []
    for path, text in files.items():
        own = path.name in ("__init__.py", COURSE_FILE) and path.parent in (course, course / "exercises")
        if path.exists() and own:
            continue  # the course's own files stay as they are
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
