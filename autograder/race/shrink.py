"""Shrinking a failing schedule to fewer preemptions while it keeps failing *the same way*.

The shrinker knows nothing about threads: it is handed a ``run`` function that tries one candidate
schedule and says how it went (an :class:`Attempt`), and it keeps a candidate only when
``attempt.interesting`` is true, i.e. the run failed the same way as the schedule first found
(see :func:`signature`). A candidate is either a schedule seed (``int``: a random or PCT schedule)
or a list of forced switches ``(thread, n, target)`` for the explicit strategy.

The passes run in order, each on the best schedule found so far (in the spirit of Hypothesis'
Shrinker, whose passes each try one kind of simplification):

``run_to_block``
    the schedule with no preemption at all;
``bounded_switches``
    iterative context bounding (CHESS): random schedules with exactly one, then two forced
    switches, drawn from the decision points of the run-to-block schedule;
``low_depth_pct``
    PCT at low depths, which finds deeper orderings with few priority changes;
``delete_switches``
    ddmin over the best schedule's forced switches: delete chunks, halving their size;
``retarget_switches``
    delete one forced switch and send another to a different thread.

Every budget counts schedules, not seconds, so shrinking is deterministic. A failure is "the same"
when its kind, its place (the innermost in-scope line where it failed, or the lines the threads
stood at) and the shape of its message (numbers, addresses and thread numbers left out) agree.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .strategies import MAX_PCT_DEPTH, RNG_MASK, encode_pct

Switch = tuple[int, int, int]
Candidate = int | list[Switch]

BOUNDED_TRIES = {1: 15, 2: 15}  # random schedules with exactly k forced switches (see benchmarks/shrinking.py)
SHRINK_TRIES_PER_DEPTH = 15
PCT_SHRINK_BUDGET = 15  # schedules tried at low PCT depths
DDMIN_BUDGET = 60  # schedules tried while deleting and retargeting forced switches

_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
_THREAD = re.compile(r"\b(Thread|Worker|ThreadPoolExecutor-\d+)[-_](\d+)")
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


@dataclass(frozen=True)
class Signature:
    """What makes two failures "the same": kind, place and the shape of the message."""

    kind: str
    place: tuple[tuple[str, int], ...]
    shape: str


def message_shape(message: str) -> str:
    """``message`` with addresses, thread numbers and numbers replaced by placeholders."""
    text = _ADDRESS.sub("0x#", message)
    text = _THREAD.sub(lambda m: f"{m.group(1)}-#", text)
    return _NUMBER.sub("#", text)


def signature(failure: Any) -> Signature:
    """The :class:`Signature` of a runtime ``Failure`` (anything with kind, message, where, threads)."""
    where = list(getattr(failure, "where", None) or [])
    if where:
        place: tuple[tuple[str, int], ...] = ((where[-1][0], where[-1][1]),)
    else:
        sites = {
            (state["site"][0], state["site"][1])
            for state in getattr(failure, "threads", None) or []
            if state.get("site")
        }
        place = tuple(sorted(sites))
    return Signature(failure.kind, place, message_shape(failure.message))


@dataclass
class Attempt:
    """How one candidate schedule went."""

    interesting: bool  # it failed the same way as the schedule being shrunk
    preemptions: int
    decisions: int
    switches: list[Switch] = field(default_factory=list)  # forced switches that replay it explicitly
    counts: dict[int, int] = field(default_factory=dict)  # decisions taken while each thread ran
    payload: Any = None  # whatever the caller wants back (the engine's RunResult)

    def key(self) -> tuple[int, int, int]:
        return (self.preemptions, len(self.switches), self.decisions)


class Shrinker:
    """Runs the passes on a failing schedule; :meth:`shrink` returns the best :class:`Attempt`."""

    def __init__(self, run: Callable[[Candidate], Attempt], found: Attempt, *, threads: Sequence[int],
                 seed: int) -> None:
        self.run = run
        self.found = found
        self.best = found
        self.threads = list(threads)
        self.rng = random.Random(seed)
        self.seed = seed
        self.tried = 0
        self.passes_run: list[str] = []

    # ------------------------------------------------------------------------------ helpers

    def _try(self, candidate: Candidate) -> Attempt:
        self.tried += 1
        return self.run(candidate)

    def _consider(self, attempt: Attempt) -> bool:
        """Keep ``attempt`` if it fails the same way with fewer preemptions; say whether it was kept."""
        if attempt.interesting and attempt.key() < self.best.key():
            self.best = attempt
            return True
        return False

    # ------------------------------------------------------------------------------- passes

    def run_to_block(self) -> Attempt:
        attempt = self._try([])
        self._consider(attempt)
        return attempt

    def bounded_switches(self, counts: dict[int, int]) -> None:
        choices = [(t, n) for t, count in sorted(counts.items()) for n in range(1, count + 1)]
        if not choices or len(self.threads) < 2:
            return
        for k, tries in BOUNDED_TRIES.items():
            if self.best.preemptions <= k:
                return
            for _ in range(tries):
                switches = []
                for thread, n in self.rng.sample(choices, min(k, len(choices))):
                    target = self.rng.choice([t for t in self.threads if t != thread] or self.threads)
                    switches.append((thread, n, target))
                if self._consider(self._try(switches)):
                    break

    def low_depth_pct(self) -> None:
        if self.best.preemptions <= 2:
            return
        steps = max(self.found.decisions, 1)
        tried = 0
        for depth in range(2, MAX_PCT_DEPTH + 1):
            if self.best.preemptions <= depth - 1 or tried >= PCT_SHRINK_BUDGET:
                return
            for j in range(SHRINK_TRIES_PER_DEPTH):
                if tried >= PCT_SHRINK_BUDGET:
                    break
                rng_seed = (self.seed * 0x9E3779B1 + depth * 7919 + j) & RNG_MASK
                tried += 1
                if self._consider(self._try(encode_pct(depth, steps, rng_seed))):
                    break

    def explicit(self) -> Attempt | None:
        """The best schedule so far as forced switches, if that replays the same failure."""
        current = self._try(list(self.best.switches))
        if not current.interesting:
            return None
        if current.key() <= self.best.key():
            self.best = current
        return current

    def delete_switches(self, current: Attempt, budget: list[int]) -> tuple[Attempt, bool]:
        """ddmin: delete chunks of forced switches, halving the chunk size."""
        progress = False
        chunk = max(1, len(current.switches) // 2)
        while chunk >= 1 and budget[0] > 0:
            i = 0
            while i < len(current.switches) and budget[0] > 0:
                switches = current.switches
                budget[0] -= 1
                attempt = self._try(switches[:i] + switches[i + chunk:])
                if attempt.interesting and attempt.key()[:2] < current.key()[:2]:
                    current = attempt
                    progress = True
                else:
                    i += chunk
            chunk //= 2
        return current, progress

    def retarget_switches(self, current: Attempt, budget: list[int]) -> tuple[Attempt, bool]:
        """Delete one forced switch and send another one to a different thread."""
        progress = False
        i = 0
        while i < len(current.switches) and budget[0] > 0:
            j = 0
            while j < len(current.switches) and budget[0] > 0:
                switches = current.switches
                if i == j or i >= len(switches):
                    j += 1
                    continue
                thread, n, target = switches[j]
                kept = False
                for other in self.threads:
                    if other in (thread, target) or budget[0] <= 0:
                        continue
                    rest = [s for k, s in enumerate(switches) if k not in (i, j)]
                    budget[0] -= 1
                    attempt = self._try(rest + [(thread, n, other)])
                    if attempt.interesting and attempt.key()[:2] < current.key()[:2]:
                        current = attempt
                        progress = kept = True
                        break
                if not kept:
                    j += 1
            i += 1
        return current, progress

    # ---------------------------------------------------------------------------- the driver

    def shrink(self) -> Attempt:
        """Run every pass; the result is ``found`` itself when nothing smaller fails the same way."""
        if self.best.preemptions == 0:
            return self.best
        self.passes_run.append("run_to_block")
        baseline = self.run_to_block()
        if self.best.preemptions == 0:
            return self.best
        self.passes_run.append("bounded_switches")
        self.bounded_switches(baseline.counts)
        self.passes_run.append("low_depth_pct")
        self.low_depth_pct()
        if self.best.preemptions <= 1:
            return self.best
        current = self.explicit()
        if current is None:
            return self.best  # the failure does not come back from its own switches: leave it
        budget = [DDMIN_BUDGET]
        progress = True
        while progress and current.switches and budget[0] > 0:
            self.passes_run.append("delete_switches")
            current, deleted = self.delete_switches(current, budget)
            self.passes_run.append("retarget_switches")
            current, retargeted = self.retarget_switches(current, budget)
            progress = deleted or retargeted
        if current.key() <= self.best.key():
            self.best = current
        return self.best


def shrink(run: Callable[[Candidate], Attempt], found: Attempt, *, threads: Sequence[int],
           seed: int) -> Attempt:
    """Shrink the failing schedule ``found``; see :class:`Shrinker`."""
    return Shrinker(run, found, threads=threads, seed=seed).shrink()


__all__ = ["Attempt", "Shrinker", "Signature", "message_shape", "shrink", "signature"]
