"""The course's exercises: one folder each, declared once, discovered by convention.

An exercise folder is ``autograder/exercises/<name>/`` (or ``<course>/exercises/<name>/`` in an
instructor's course folder, see :mod:`autograder.course`) and holds exactly two files:

* ``__init__.py``, which declares the exercise once, ``EXERCISE = Exercise(...)``: its name (also
  the student's module, ``<name>.py``), title, lesson, position in the course (``order``), maximum
  points (the sum of the hidden suite's ``@pytest.mark.points`` markers, checked when the suite is
  collected) and the feedback ideas its suite teaches (``ideas``: key -> one paragraph for the
  student; they join :data:`autograder.testing.IDEAS` when the declaration runs);
* ``hidden_tests.py``, the hidden suite (``STUDENT_MODULE = "<name>"``, tests marked with points).

Beside it, by the same name, live the student's material ``assignments/<name>/`` (``README.md``,
the starter ``<name>.py`` and public tests ``test_<name>.py``) and the reference solution
``solutions/<name>.py``; optional right and wrong samples with a ``manifest.json`` live in
``tests/exercises/zoo/<name>/`` (a course folder: ``samples/<name>/``). Adding an exercise is that
one folder plus its material: everything else (the command line's choices, the gradebook's
columns, the reports, the nbgrader course, the Gradescope zip, the student bundle, the demo, the
benchmarks and the tests) reads :data:`EXERCISES`, ordered by ``order`` and then by name.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType, ModuleType
from typing import Any

from autograder import resources

PACKAGE_DIR = Path(__file__).resolve().parent
DECLARATION = "__init__.py"
SUITE = "hidden_tests.py"


class RegistryError(ValueError):
    """An exercise folder or declaration is malformed (an instructor's mistake, reported in one line)."""


@dataclass(frozen=True)
class Exercise:
    """One exercise, declared once in its folder's ``__init__.py`` as ``EXERCISE = Exercise(...)``."""

    name: str  # also the student's module: counter -> counter.py
    title: str
    lesson: str  # the classic lesson it comes from, in one line
    order: int = 100  # position in the course (the gradebook's columns); ties are broken by name
    points: int = 25  # the hidden suite's maximum (checked against its markers when collected)
    ideas: Any = field(default_factory=dict, compare=False)  # idea key -> paragraph for the student
    folder: Path | None = field(default=None, compare=False)  # set by discovery: the exercise folder
    course: Path | None = field(default=None, compare=False)  # set by discovery: a course folder, if any
    public_dir: Path | None = field(default=None, compare=False)  # the student's material, when not by convention

    def __post_init__(self) -> None:
        if not self.name.isidentifier():
            raise RegistryError(f"exercise name {self.name!r} is not a Python identifier")
        object.__setattr__(self, "ideas", MappingProxyType(dict(self.ideas)))
        if not self.ideas:
            return  # (the feedback module, and with it the engine, is imported only when needed)
        from autograder.testing.feedback import IDEAS

        for key, text in self.ideas.items():
            if IDEAS.get(key, text) != text:
                raise RegistryError(f"exercise {self.name} redefines the feedback idea {key!r} with other words")
            IDEAS[key] = text

    @property
    def file_name(self) -> str:
        return f"{self.name}.py"

    @property
    def exercise_dir(self) -> Path:
        return self.folder if self.folder is not None else PACKAGE_DIR / self.name

    @property
    def hidden_suite(self) -> Path:
        """The hidden tests (in the grader package or a course folder; never in the student bundle)."""
        return self.exercise_dir / SUITE

    @property
    def assignment_dir(self) -> Path:
        if self.public_dir is not None:
            return self.public_dir
        if self.course is not None:
            return self.course / "assignments" / self.name
        return resources.assignments_dir() / self.name

    @property
    def public_tests(self) -> Path:
        return self.assignment_dir / f"test_{self.name}.py"

    @property
    def starter(self) -> Path:
        return self.assignment_dir / self.file_name

    @property
    def solution(self) -> Path | None:
        folder = self.course / "solutions" if self.course is not None else resources.solutions_dir()
        return folder / self.file_name if folder else None

    @property
    def samples_dir(self) -> Path | None:
        """Right and wrong samples with their ``manifest.json`` (an instructor's checkout or course only)."""
        if self.course is not None:
            folder = self.course / "samples" / self.name
        else:
            folder = PACKAGE_DIR.parent.parent / "tests" / "exercises" / "zoo" / self.name
        return folder if folder.is_dir() else None


def _declared(module: ModuleType, where: Path) -> Exercise:
    exercise = getattr(module, "EXERCISE", None)
    if not isinstance(exercise, Exercise):
        raise RegistryError(f"{where / DECLARATION} declares no exercise: add EXERCISE = Exercise(...) to it")
    if exercise.name != where.name:
        raise RegistryError(f"{where / DECLARATION} declares {exercise.name!r}, but its folder is {where.name!r}")
    return exercise


def _is_exercise_folder(path: Path) -> bool:
    return path.is_dir() and (path / DECLARATION).is_file() and not path.name.startswith(("_", "."))


def discover_package() -> list[Exercise]:
    """The exercises inside the grader package, each from its folder's declaration."""
    found = []
    for folder in sorted(PACKAGE_DIR.iterdir()):
        if not _is_exercise_folder(folder):
            continue
        module = importlib.import_module(f"{__name__}.{folder.name}")
        exercise = _declared(module, folder)
        found.append(_placed(exercise, folder, None))
    return found


def _placed(exercise: Exercise, folder: Path, course: Path | None) -> Exercise:
    object.__setattr__(exercise, "folder", folder.resolve())
    object.__setattr__(exercise, "course", course.resolve() if course is not None else None)
    return exercise


def course_package(course: Path) -> str:
    """The module name a course folder's ``exercises/`` is imported under in the grader's own process."""
    import hashlib

    return "_agcourse_" + hashlib.sha256(str(course.resolve()).encode()).hexdigest()[:12]


def load_module(name: str, path: Path, *, package: bool = False) -> ModuleType:
    """Import the file ``path`` as module ``name`` (a package when ``package``), or return it if imported."""
    if name in sys.modules:
        return sys.modules[name]
    locations = [str(path.parent)] if package else None
    spec = importlib.util.spec_from_file_location(name, path, submodule_search_locations=locations)
    if spec is None or spec.loader is None:
        raise RegistryError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except RegistryError:
        sys.modules.pop(name, None)
        raise
    except Exception as exc:  # noqa: BLE001 - an instructor's broken declaration: name it in one line
        sys.modules.pop(name, None)
        raise RegistryError(f"{path} failed to import: {type(exc).__name__}: {exc}") from None
    return module


def discover_course(course: Path) -> list[Exercise]:
    """The exercises in a course folder's ``exercises/<name>/`` (imported under a private package name)."""
    root = course / "exercises"
    if not root.is_dir():
        return []
    package = course_package(course)
    init = root / DECLARATION
    if not init.is_file():
        raise RegistryError(f"{init} is missing: a course's exercises/ folder is a package (an empty "
                            "__init__.py), so its suites import the same way in every process")
    load_module(package, init, package=True)
    found = []
    for folder in sorted(root.iterdir()):
        if not _is_exercise_folder(folder):
            continue
        module = load_module(f"{package}.{folder.name}", folder / DECLARATION, package=True)
        found.append(_placed(_declared(module, folder), folder, course))
    return found


def _ordered(exercises: list[Exercise]) -> dict[str, Exercise]:
    return {e.name: e for e in sorted(exercises, key=lambda e: (e.order, e.name))}


_PACKAGE: list[Exercise] = list(_ordered(discover_package()).values())

#: Every exercise of the course, in the gradebook's order. The same dict object all along: a course
#: folder (:func:`use`) changes its content in place, so ``from autograder.exercises import EXERCISES``
#: always sees the current course.
EXERCISES: dict[str, Exercise] = _ordered(_PACKAGE)


def use(exercises: list[Exercise], *, keep_order: bool = False) -> None:
    """Make ``exercises`` the course (the package's own plus a course folder's, already chosen).

    The gradebook's order is ``order`` then name, or the order given when ``keep_order``.
    """
    names = [e.name for e in exercises]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise RegistryError(f"two exercises are called {', '.join(duplicates)}: rename one of them")
    EXERCISES.clear()
    EXERCISES.update({e.name: e for e in exercises} if keep_order else _ordered(exercises))


def package_exercises() -> list[Exercise]:
    """The grader package's own exercises in course order, whatever course is in use."""
    return list(_PACKAGE)


@contextmanager
def using(exercises: list[Exercise]) -> Iterator[None]:
    """Within the block, ``exercises`` are the course (for tests and one-off commands)."""
    saved = list(EXERCISES.values())
    use(exercises)
    try:
        yield
    finally:
        use(saved, keep_order=True)


def public_only(name: str, folder: Path) -> Exercise | None:
    """An exercise this installation does not know, from public tests ``folder/test_<name>.py`` alone.

    A student bundle's course-folder exercises are like that: their folder has the task, the
    starter and the public tests, and the grader's wheel knows nothing else of them.
    """
    if not name.isidentifier() or not (folder / f"test_{name}.py").is_file():
        return None
    return Exercise(name, name.replace("_", " "), "", public_dir=folder.resolve())


def get(name: str) -> Exercise:
    """The exercise called ``name``, or a ValueError that lists the ones there are."""
    try:
        return EXERCISES[name]
    except KeyError:
        known = ", ".join(EXERCISES)
        raise ValueError(f"unknown exercise {name!r}: choose one of {known}") from None
