"""The course's exercises: each one's student file, hidden suite, points and teaching material.

The registry is ordered: it fixes the gradebook's columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from autograder import resources

PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Exercise:
    name: str  # also the student's module: counter -> counter.py
    title: str
    lesson: str  # the classic lesson it comes from, in one line
    points: int = 25

    @property
    def file_name(self) -> str:
        return f"{self.name}.py"

    @property
    def hidden_suite(self) -> Path:
        """The hidden tests, inside the grader package (absent from the student bundle)."""
        return PACKAGE_DIR / self.name / "hidden_tests.py"

    @property
    def assignment_dir(self) -> Path:
        return resources.assignments_dir() / self.name

    @property
    def public_tests(self) -> Path:
        return self.assignment_dir / f"test_{self.name}.py"

    @property
    def starter(self) -> Path:
        return self.assignment_dir / self.file_name

    @property
    def solution(self) -> Path | None:
        folder = resources.solutions_dir()
        return folder / self.file_name if folder else None


EXERCISES: dict[str, Exercise] = {
    e.name: e
    for e in [
        Exercise("counter", "A shared counter", "num_threads += 1 from many threads loses updates"),
        Exercise("file_writer", "A file many threads write to",
                 "fetching threads append lines to one file through one lock"),
        Exercise("vending_machine", "A candy vending machine", "a BoundedSemaphore counts the slots"),
        Exercise("prime_checker", "A parallel prime checker",
                 "worker threads share one pool of numbers; the CPU-bound twin needs processes"),
        Exercise("pipeline", "A producer-consumer pipeline", "producers and consumers meet at one bounded queue"),
        Exercise("downloader", "A downloader with a pool of workers", "threads overlap waiting, not computing"),
    ]
}


def get(name: str) -> Exercise:
    """The exercise called ``name``, or a ValueError that lists the ones there are."""
    try:
        return EXERCISES[name]
    except KeyError:
        known = ", ".join(EXERCISES)
        raise ValueError(f"unknown exercise {name!r}: choose one of {known}") from None
