"""Busy-waiting: telling a thread that spins from a program that is merely long.

A thread *spins* when it loops over the same few instructions without blocking, sleeping or
storing to shared state (attributes, subscripts, globals, closure cells), and each time round the
loop its own local variables are exactly as they were: it keeps checking something that only
another thread, or time, can change. Under the engine the virtual clock stands still while a thread
can run, so a thread polling the clock spins too; ``time.sleep(x)`` with ``x > 0`` blocks and is not
spinning (``time.sleep(0)`` is).

:class:`SpinWatch` measures this for each thread of a run, cheaply: it counts a thread's observable
instructions since its last store or block, and once that count passes :data:`SAMPLE_AT` it anchors
on one instruction and compares the thread's locals each time it comes back there. Every run
reports the longest spin of each thread (``Outcome.spins``), and:

* when the only thread that can run has spun for :data:`EVIDENT_STEPS` steps, the verdict is
  ``busy-wait`` at once (nothing else can ever change what it waits for);
* when the step budget runs out, the run goes on for a short diagnosis window; a thread that spun
  through that window makes the verdict ``busy-wait``, otherwise the run is ``inconclusive``.
"""

from __future__ import annotations

import collections
import dis
import sys
import weakref
from types import CodeType, FrameType
from typing import Any

from .events import Failure
from .report import display_path, source_line, thread_states

SAMPLE_AT = 64  # observable steps without a store or block before a thread is watched closely
EVIDENT_STEPS = 5_000  # a lone runnable thread spinning this long is busy-waiting
MIN_WINDOW, MAX_WINDOW = 2_000, 20_000  # steps of the diagnosis window after the budget runs out
MAX_PLACES = 48  # a loop over more distinct instructions than this is doing work, not spinning

# instructions that change state another thread can see
_STORE_OPS = frozenset(
    "STORE_ATTR STORE_SUBSCR STORE_SLICE STORE_GLOBAL STORE_DEREF STORE_NAME DELETE_ATTR "
    "DELETE_SUBSCR DELETE_GLOBAL DELETE_DEREF DELETE_NAME".split()
)
_PLAIN = (int, float, str, bytes, bool, type(None), complex)
_SIZED = (list, dict, set, frozenset, tuple, bytearray, collections.deque)


# marked tables depend only on the code object; kept for the process (each explore makes a new Scope)
_MARKED: weakref.WeakKeyDictionary[CodeType, bytes] = weakref.WeakKeyDictionary()


def mark_writes(scope: Any) -> None:
    """Make ``scope.visible`` mark stores with 2 (other observable instructions stay 1).

    The runtime only tests the mark for truth, so nothing else changes.
    """
    plain = scope.visible

    def visible(code: CodeType) -> bytes:
        table = _MARKED.get(code)
        if table is None:
            marks = bytearray(plain(code))
            for ins in dis.get_instructions(code):
                if ins.opname in _STORE_OPS and marks[ins.offset // 2]:
                    marks[ins.offset // 2] = 2
            table = _MARKED[code] = bytes(marks)
        return table

    scope.visible = visible


def _fingerprint(frame: FrameType | None) -> tuple | None:
    """The frame's locals, by value where they are plain and by identity (and size) otherwise.

    Never calls code of the test (no ``__eq__``, ``__len__`` or ``__hash__`` of its objects).
    """
    if frame is None:
        return None
    try:
        items = list(frame.f_locals.items())
    except Exception:  # noqa: BLE001 - no locals to compare: the loop cannot be judged
        return None
    out = []
    for name, value in items:
        kind = type(value)
        if kind in _PLAIN:
            out.append((name, kind, value))
        elif kind in _SIZED:
            out.append((name, id(value), len(value)))
        else:
            out.append((name, id(value)))
    return tuple(out)


def _frame_of(code: CodeType) -> FrameType | None:
    frame: FrameType | None = sys._getframe(2)
    for _ in range(8):
        if frame is None or frame.f_code is code:
            return frame
        frame = frame.f_back
    return None


def _line_of(code: CodeType, offset: int) -> int:
    line = code.co_firstlineno
    for start, lineno in dis.findlinestarts(code):
        if start > offset:
            break
        if lineno is not None:
            line = lineno
    return line


class _Thread:
    __slots__ = ("n", "anchor", "anchor_n", "fingerprint", "spinning", "places", "window", "blocked",
                 "best", "best_site", "loop_site", "observed")

    def __init__(self) -> None:
        self.n = 0  # observable steps since the last store or block
        self.anchor: tuple[CodeType, int] | None = None
        self.anchor_n = 0
        self.fingerprint: tuple | None = None
        self.spinning = False  # came back to the anchor with the same locals, no store or block since
        self.places: set[tuple[CodeType, int]] | None = None  # during the diagnosis window
        self.window = 0  # steps in the diagnosis window
        self.blocked = False  # stored or blocked during the diagnosis window
        self.observed = 0  # observable steps during the diagnosis window
        self.best = 0  # the longest spin, in observable steps
        self.best_site: tuple[CodeType, int] | None = None
        self.loop_site: tuple[CodeType, int] | None = None

    def reset(self) -> None:
        if self.spinning and self.n > self.best:
            self.best, self.best_site = self.n, self.anchor
        self.n = 0
        self.anchor = None
        self.fingerprint = None
        self.spinning = False


class SpinWatch:
    """Per-thread spin measurement for one run, and the verdict when the step budget runs out."""

    def __init__(self, run: Any) -> None:
        self.run = run
        self.threads: dict[int, _Thread] = {}
        self.diagnosing = False
        self.window = max(MIN_WINDOW, min(MAX_WINDOW, run.max_steps // 10))

    def _get(self, index: int) -> _Thread:
        t = self.threads.get(index)
        if t is None:
            t = self.threads[index] = _Thread()
        return t

    def blocked(self, rec: Any) -> None:
        t = self._get(rec.index)
        t.reset()
        t.blocked = True

    def observe(self, rec: Any, code: CodeType, offset: int, visible: int) -> Failure | None:
        """One step of ``rec`` at an observable instruction (or any step once over budget)."""
        t = self.threads.get(rec.index)
        if t is None:
            t = self._get(rec.index)
        if self.diagnosing:
            self._diagnose(t, code, offset, visible)
        if visible == 1:
            t.n = n = t.n + 1
            if n < SAMPLE_AT:
                return None
        elif visible:  # a store: the thread changed something another thread can see
            t.reset()
            t.blocked = True
            return None
        else:
            return None
        anchor = t.anchor
        if anchor is None or n - t.anchor_n > 4 * SAMPLE_AT and not t.spinning:
            t.anchor = (code, offset)
            t.anchor_n = n
            t.fingerprint = _fingerprint(_frame_of(code))
            return None
        if anchor[0] is not code or anchor[1] != offset:
            return None
        fingerprint = _fingerprint(_frame_of(code))
        if fingerprint is None or fingerprint != t.fingerprint:
            t.reset()  # its locals moved on: it is working, not waiting
            return None
        t.spinning = True
        t.loop_site = anchor
        if n >= EVIDENT_STEPS and self._alone(rec):
            return self._busy(rec, t)
        return None

    @staticmethod
    def _diagnose(t: _Thread, code: CodeType, offset: int, visible: int) -> None:
        t.window += 1
        if t.places is None:
            t.places = set()
        if len(t.places) <= MAX_PLACES:
            t.places.add((code, offset))
        if visible:
            t.observed += 1

    def _alone(self, rec: Any) -> bool:
        run = self.run
        if run.uncontrolled or len(run.runnable) != 1 or run.runnable[0] is not rec:
            return False
        return not any(r.detached for r in run.records)

    # -------------------------------------------------------------------------- the budget

    def over_budget(self, rec: Any) -> Failure | None:
        """The step budget ran out: None while the diagnosis window lasts, then the verdict."""
        run = self.run
        if not self.diagnosing:
            self.diagnosing = True
            for t in self.threads.values():
                t.window, t.places, t.blocked, t.observed = 0, set(), False, 0
            return None
        if run.steps <= run.max_steps + self.window:
            return None
        spinners = [
            (index, t) for index, t in self.threads.items()
            if t.window >= self.window // 10 and not t.blocked and t.places is not None
            and len(t.places) <= MAX_PLACES and (t.spinning or not t.observed)
        ]
        if spinners:
            index, t = max(spinners, key=lambda item: item[1].window)
            return self._busy(run.records[index], t)
        done = sum(1 for r in run.records if r.state == "finished")
        return Failure(
            "inconclusive",
            f"the threads used up the step budget of {run.max_steps:,} steps before the test ended, "
            f"and none of them was busy-waiting ({done} of {len(run.records)} threads had finished)",
        )

    def _busy(self, rec: Any, t: _Thread) -> Failure:
        site = t.loop_site or (min(t.places, key=lambda p: p[1]) if t.places else None)
        where: list[tuple[str, int, str]] = []
        place = "in a loop"
        if site is not None:
            file, line = site[0].co_filename, _line_of(site[0], site[1])
            text = source_line(file, line)
            where = [(file, line, text)]
            place = f"at {display_path(file)}:{line}" + (f" ({text})" if text else "")
        if t.spinning:
            what = (f"busy-wait: {rec.name} kept checking the same thing in a loop {place} instead of "
                    "waiting: nothing it could see changed, so it only burned steps")
        else:
            what = (f"busy-wait: {rec.name} kept running the same few instructions in a loop {place} "
                    "without waiting and without changing anything another thread could see (an endless "
                    "loop, or a loop that polls for a change)")
        message = (
            f"{what}. A thread that waits for another one should block on a Condition, Event or "
            "Semaphore (or join it) until it is signalled, not loop until something changes"
        )
        if t.best_site is None or t.best < max(t.n, t.window):
            t.best, t.best_site = max(t.n, t.window), site
        return Failure("busy-wait", message, thread=rec.name, where=where,
                       threads=thread_states(self.run, skip_finished=True))

    # ------------------------------------------------------------------------------ results

    def spins(self) -> list[dict[str, Any]]:
        """The longest spin of each thread that spun at all: thread, file, line, steps."""
        out = []
        for index, t in sorted(self.threads.items()):
            best, site = t.best, t.best_site
            if t.spinning and t.n > best:
                best, site = t.n, t.anchor
            if site is None or best <= 0:
                continue
            out.append({
                "thread": self.run.records[index].name,
                "file": site[0].co_filename,
                "line": _line_of(site[0], site[1]),
                "steps": best,
            })
        return out


__all__ = ["SpinWatch", "mark_writes", "SAMPLE_AT", "EVIDENT_STEPS"]
