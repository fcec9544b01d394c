"""What the sandbox is asked to run and what it answers: limits, planned tests, verdicts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..protocol import NO_REASON, Reason, Status

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one submission may use. Times are seconds of wall time unless they say CPU."""

    test_seconds: float = 30.0  # wall time of one test
    exercise_seconds: float = 120.0  # wall time of all tests of one exercise, over every child
    cpu_seconds: int = 120  # CPU time of one child, per exercise it runs
    # address space of one child process; with a memory cgroup, also the budget of it and all it forks
    memory_bytes: int = 2048 * MiB
    processes: int = 128  # processes and threads of one child and its descendants (pids.max, RLIMIT_NPROC)
    output_bytes: int = 16 * MiB  # largest file (and captured output) a child may write
    open_files: int = 256
    max_children: int = 60  # children per submission before the rest is given up


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class PlannedTest:
    """One test to run: which exercise (its student module), which suite file, which test."""

    exercise: str
    suite: Path
    name: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.exercise, self.name)

    @property
    def node_id(self) -> str:
        return f"{self.suite}::{self.name}"


@dataclass
class Verdict:
    """What the sandbox learnt about one test: the plugin's record, or why there is none."""

    test: PlannedTest
    status: Status  # passed, failed, error, skipped (from the record) or timeout, crashed, tampered
    record: dict[str, Any] | None = None
    reason: Reason = NO_REASON  # why the sandbox decided the status itself (no record, or one that cannot count)
    duration: float = 0.0



class SandboxError(RuntimeError):
    """The grader itself could not run the tests (not the student's fault)."""

