"""The records a controlled run writes for its report: typed events, thread states and ``Failure``.

While a run is recorded (``replay``, and the one run of ``explore`` that is reported), the runtime
appends one small frozen record per event to ``Run.log``; :mod:`.report` turns that log into the
interleaving table. Nothing here imports the runtime or the report, so both can import it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import CodeType
from typing import Any, NamedTuple

RUNNABLE, BLOCKED, FINISHED = "runnable", "blocked", "finished"

Site = tuple[str, int]  # (file, line) of the code under test


class Step(NamedTuple):
    """``thread`` runs the instruction at ``offset`` of ``code`` now."""

    thread: int
    code: CodeType
    offset: int


class Switch(NamedTuple):
    """The token moves from ``src`` to ``dst``; ``why`` is preempt, yield, block, finish or stall."""

    src: int
    dst: int
    why: str


class Spawn(NamedTuple):
    """``parent`` started ``child``."""

    parent: int
    child: int


class Block(NamedTuple):
    """``thread`` waits for ``waiting`` (an object with ``describe()`` or ``label``) at ``site``."""

    thread: int
    waiting: Any
    site: Site | None


class Wake(NamedTuple):
    """``thread`` may run again; ``timed_out`` when its timeout expired."""

    thread: int
    timed_out: bool


class Finish(NamedTuple):
    """``thread`` ended, with the name of the exception that ended it, if any."""

    thread: int
    error: str | None


class Note(NamedTuple):
    """A ``race.checkpoint(label)`` of harness code."""

    thread: int
    label: str
    site: Site | None


class Annotation(NamedTuple):
    """What the previous instruction of ``thread`` read or wrote (``reads x -> 1``)."""

    thread: int
    text: str


Event = Step | Switch | Spawn | Block | Wake | Finish | Note | Annotation


@dataclass
class Failure:
    """Why a run ended early; ``kind`` is one of assertion, exception, deadlock, busy-wait, inconclusive."""

    kind: str
    message: str  # one line, for people
    thread: str | None = None
    exc_type: str | None = None
    exc_text: str | None = None
    where: list[tuple[str, int, str]] = field(default_factory=list)  # (file, line, source) innermost last
    threads: list[dict[str, Any]] = field(default_factory=list)  # per-thread state (deadlock, busy-wait)
    tampered: bool = False


__all__ = [
    "RUNNABLE", "BLOCKED", "FINISHED", "Step", "Switch", "Spawn", "Block", "Wake", "Finish", "Note",
    "Annotation", "Event", "Failure", "Site",
]
