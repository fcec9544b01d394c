"""The result of ``explore`` and ``replay``: one record for people, pytest and the grader."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .report import TraceRow

# passed and inconclusive are ok (inconclusive: a schedule used up its step budget without a verdict)
KINDS = ("passed", "assertion", "exception", "deadlock", "busy-wait", "inconclusive")


class RaceFailure(AssertionError):
    """Raised by :meth:`Outcome.raise_if_failed`; carries the outcome for tools that want it."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.report)
        self.outcome = outcome


@dataclass
class Outcome:
    """What exploring (or replaying) a test body found.

    ``seed`` re-derives the reported schedule exactly: ``replay(fn, outcome.seed)`` shows the same
    failure and the same report text. For a passing outcome it is the first schedule seed tried.
    ``kind`` is one of :data:`KINDS`; ``ok`` is true for ``passed`` and ``inconclusive`` (a schedule
    used up its step budget and nobody busy-waited: the exploration was cut short, see ``notes``).
    ``spins`` measures busy-waiting even in runs that finished, so a suite can fail on it.
    """

    ok: bool
    kind: str
    seed: int
    runs: int
    report: str
    message: str = ""
    strategy: str = ""
    preemptions: int = 0
    steps: int = 0
    controlled: bool = True
    tampered: bool = False
    notes: list[str] = field(default_factory=list)
    trace: list[TraceRow] = field(default_factory=list)
    threads: list[dict[str, Any]] = field(default_factory=list)
    exception_type: str | None = None
    where: list[tuple[str, int, str]] = field(default_factory=list)  # (file, line, source), innermost last
    elapsed: float = 0.0
    time_to_failure: float | None = None
    first_failing_seed: int | None = None
    # the longest spin of each thread that busy-waited in the reported run (or, when every schedule
    # passed, the longest one seen in any schedule): {"thread", "file", "line", "steps"}
    spins: list[dict[str, Any]] = field(default_factory=list)

    def raise_if_failed(self) -> None:
        """Raise AssertionError (a :class:`RaceFailure`) carrying the report if the outcome failed."""
        if not self.ok:
            raise RaceFailure(self)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["trace"] = [row.to_dict() for row in self.trace]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Outcome:
        data = dict(data)
        data["trace"] = [TraceRow(**row) for row in data.get("trace", [])]
        data["where"] = [tuple(item) for item in data.get("where", [])]
        return cls(**data)
