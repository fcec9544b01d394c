"""The one result model every exporter reads: per test, per exercise, per submission.

Grading fills these dataclasses; the CSV, Gradescope JSON, Markdown, HTML and the class report are
all computed from them (and from nothing else), so every output tells the same story.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .protocol import ExerciseStatus, Status

__all__ = ["STATUSES", "ExerciseResult", "ExerciseStatus", "Status", "SubmissionResult", "TestResult",
           "format_points"]

# What a test's status means for a student; "passed" is the only status that earns points.
STATUSES: dict[Status, str] = {
    Status.PASSED: "passed",
    Status.FAILED: "failed",
    Status.ERROR: "could not run",
    Status.TIMEOUT: "ran out of time",
    Status.CRASHED: "crashed",
    Status.TAMPERED: "interfered with the grader",
    Status.MISSING: "file missing",
    Status.SKIPPED: "not run",
}


@dataclass
class TestResult:
    """One hidden (or public) test of one exercise."""

    name: str
    title: str
    max_points: float
    points: float
    status: Status
    feedback: str = ""
    replay: str = ""
    seed: int | None = None
    duration: float = 0.0
    outcome: dict[str, Any] | None = None  # the race engine's outcome, cleaned for students
    notes: list[str] = field(default_factory=list)  # remarks on a passed test (e.g. a measured speed-up)
    grader_fault: bool = False  # the grader itself could not run this test: never a grade for the student

    @property
    def passed(self) -> bool:
        return self.status == Status.PASSED

    def __post_init__(self) -> None:
        self.status = Status(self.status)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TestResult:
        return cls(**data)


@dataclass
class ExerciseResult:
    """All tests of one exercise for one submission; ``file`` is relative to the student's folder."""

    name: str
    title: str
    max_points: float
    status: ExerciseStatus
    file: str | None = None
    message: str = ""
    tests: list[TestResult] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.status = ExerciseStatus(self.status)

    @property
    def points(self) -> float:
        return round(sum(t.points for t in self.tests), 6)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["tests"] = [t.to_dict() for t in self.tests]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExerciseResult:
        data = dict(data)
        data["tests"] = [TestResult.from_dict(t) for t in data.get("tests", [])]
        return cls(**data)


@dataclass
class SubmissionResult:
    """One student's whole submission."""

    student: str
    exercises: list[ExerciseResult]
    seed: int
    grader_version: str
    fingerprint: str = ""
    duration: float = 0.0
    graded_at: float = 0.0
    # for the instructor: tampering the grader refused or found, and the static screen's findings
    flags: list[str] = field(default_factory=list)

    @property
    def points(self) -> float:
        return round(sum(e.points for e in self.exercises), 6)

    @property
    def max_points(self) -> float:
        return round(sum(e.max_points for e in self.exercises), 6)

    @property
    def grader_faults(self) -> int:
        """How many tests the grader itself could not run (a crash of the grader, not of student code)."""
        return sum(1 for e in self.exercises for t in e.tests if t.grader_fault)

    def exercise(self, name: str) -> ExerciseResult | None:
        for item in self.exercises:
            if item.name == name:
                return item
        return None

    def tests(self) -> list[tuple[ExerciseResult, TestResult]]:
        return [(e, t) for e in self.exercises for t in e.tests]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["exercises"] = [e.to_dict() for e in self.exercises]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SubmissionResult:
        data = dict(data)
        data["exercises"] = [ExerciseResult.from_dict(e) for e in data.get("exercises", [])]
        return cls(**data)


def format_points(value: float) -> str:
    """Points as a person writes them: 25, 12.5 (never 25.0)."""
    value = round(float(value), 6)
    return str(int(value)) if value == int(value) else f"{value:g}"
