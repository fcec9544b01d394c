"""Reports for people: what failed, where every thread was, and the interleaving that led there.

A report is a pure function of one recorded run, so ``replay(fn, seed)`` prints the same text as
the ``explore`` call that found the seed. The interleaving is trimmed to what matters (every
context switch with the steps around it, and the last steps of each thread) and annotated with the
plain values a thread read or wrote, so a lost update can be read straight off the table.
"""

from __future__ import annotations

import dis
import linecache
import os
import re
import sys
import traceback
from dataclasses import asdict, dataclass
from types import CodeType, FrameType
from typing import TYPE_CHECKING, Any

from .events import (
    BLOCKED,
    FINISHED,
    Annotation,
    Block,
    Event,
    Failure,
    Finish,
    Note,
    Spawn,
    Step,
    Switch,
    Wake,
)
from .scope import frame_line

if TYPE_CHECKING:  # the runtime imports this module; this one needs it only for type hints
    from .runtime import Run, ThreadRecord

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_display_cache: dict[str, str] = {}


def display_path(filename: str) -> str:
    """A short, stable name for a source file: relative to the working folder, else its basename."""
    shown = _display_cache.get(filename)
    if shown is None:
        if filename.startswith("<"):
            shown = filename
        else:
            try:
                rel = os.path.relpath(filename)
            except ValueError:
                rel = filename
            shown = rel if not rel.startswith("..") and not os.path.isabs(rel) else os.path.basename(filename)
        _display_cache[filename] = shown
    return shown


def source_line(filename: str, lineno: int | None) -> str:
    # an instruction the compiler gave no line (some in exception handling) has lineno None
    return linecache.getline(filename, lineno).strip() if lineno else ""


def scrub(text: str) -> str:
    """Remove what differs between identical runs (object addresses)."""
    return _ADDRESS.sub("", text)


# ------------------------------------------------------------------------- failures and threads


def describe_exception(run: Run, rec: ThreadRecord, error: BaseException) -> Failure:
    kind = "assertion" if isinstance(error, AssertionError) else "exception"
    text = scrub(str(error)).strip()
    name = type(error).__name__
    first = text.splitlines()[0] if text else ""
    if isinstance(error, SystemExit):
        first = f"the test body called sys.exit({error.code!r})"
    headline = f"{name}: {first}" if first else name
    if rec.index != 0:
        headline = f"in {rec.name}: {headline}"
    where = []
    scope = run.scope
    for frame, lineno in traceback.walk_tb(error.__traceback__):
        if scope(frame.f_code):
            lineno = lineno or frame.f_code.co_firstlineno  # None: an instruction with no line of its own
            where.append((frame.f_code.co_filename, lineno, source_line(frame.f_code.co_filename, lineno)))
    return Failure(kind, headline, thread=rec.name, exc_type=name, exc_text=text, where=where[-3:])


def _frame_site(run: Run, frame: FrameType | None) -> tuple[str, int, str] | None:
    """The innermost in-scope (file, line, source) on a stack."""
    scope = run.scope
    while frame is not None:
        if scope(frame.f_code):
            file, line = frame.f_code.co_filename, frame_line(frame)
            return (file, line, source_line(file, line))
        frame = frame.f_back
    return None


def thread_states(run: Run, skip_finished: bool = False) -> list[dict[str, Any]]:
    """Each thread's state, the locks it holds, what it waits for and its line (for reports)."""
    frames = sys._current_frames()
    states = []
    for rec in run.records:
        if skip_finished and rec.state == FINISHED:
            continue
        frame = frames.get(rec.ident) if rec.ident is not None else None
        site = _frame_site(run, frame)
        waiting = rec.waiting
        states.append({
            "name": rec.name,
            "state": rec.state,
            "daemon": rec.daemon,
            "holds": [getattr(lock, "label", "a lock") for lock in rec.holds],
            "waits_for": waiting.describe() if hasattr(waiting, "describe") else (
                getattr(waiting, "label", None) if waiting is not None else None
            ),
            "timeout": rec.deadline is not None,
            "site": site,
            # which Condition a waiter waits on (its identity, for telling apart two Conditions that
            # share one lock, as queue.Queue's do), or None
            "condition": id(waiting.condition) if getattr(waiting, "condition", None) is not None else None,
        })
    return states


# --------------------------------------------------------------------------------- annotations

_SCALARS = (int, float, bool, str, type(None))
_RECEIVER_OPS = {"LOAD_FAST", "LOAD_FAST_CHECK", "LOAD_FAST_BORROW", "LOAD_DEREF", "LOAD_GLOBAL", "LOAD_NAME"}
_MISSING = object()


def _value_text(value: Any) -> str | None:
    if isinstance(value, _SCALARS):
        text = repr(value)
        return text if len(text) <= 40 else None
    return None


class Annotator:
    """Says what value the previous instruction of a thread read or wrote, where that is plain."""

    def __init__(self) -> None:
        self._last: dict[int, tuple[CodeType, int]] = {}
        self._instructions: dict[CodeType, tuple[list[dis.Instruction], dict[int, int]]] = {}

    def reset(self) -> None:
        self._last.clear()

    def _table(self, code: CodeType) -> tuple[list[dis.Instruction], dict[int, int]]:
        table = self._instructions.get(code)
        if table is None:
            instructions = list(dis.get_instructions(code))
            table = (instructions, {ins.offset: i for i, ins in enumerate(instructions)})
            self._instructions[code] = table
        return table

    def __call__(self, rec: ThreadRecord, code: CodeType, offset: int, frame: FrameType | None) -> str | None:
        previous = self._last.get(rec.index)
        self._last[rec.index] = (code, offset)
        if previous is None or frame is None or previous[0] is not code:
            return None
        try:
            return self._describe(code, previous[1], frame)
        except Exception:  # noqa: BLE001 - an annotation is a courtesy, never a failure
            return None

    def _describe(self, code: CodeType, offset: int, frame: FrameType) -> str | None:
        instructions, index = self._table(code)
        i = index.get(offset)
        if i is None:
            return None
        ins = instructions[i]
        op = ins.opname
        if op in ("LOAD_ATTR", "STORE_ATTR"):
            name = ins.argval
            receiver = self._receiver(instructions, i, name)
            if receiver is None:
                return None
            obj = self._lookup(frame, receiver)
            holder = getattr(obj, "__dict__", None)
            if obj is _MISSING or not isinstance(holder, dict):
                return None
            value = _value_text(holder.get(name, _MISSING))
            if value is None:
                return None
            verb = "reads" if op == "LOAD_ATTR" else "writes"
            sign = "->" if op == "LOAD_ATTR" else "="
            return f"{verb} {receiver[1]}.{name} {sign} {value}"
        if op in ("LOAD_GLOBAL", "STORE_GLOBAL", "LOAD_DEREF", "STORE_DEREF", "LOAD_NAME", "STORE_NAME"):
            name = ins.argval
            value = self._lookup(frame, (op, name))
            text = _value_text(value) if value is not _MISSING else None
            if text is None:
                return None
            if op.startswith("LOAD"):
                return f"reads {name} -> {text}"
            return f"writes {name} = {text}"
        return None

    @staticmethod
    def _receiver(instructions: list[dis.Instruction], i: int, name: str) -> tuple[str, str] | None:
        """The simple name (a local, a closure cell or a global) an attribute is taken from."""
        for j in range(i - 1, max(-1, i - 12), -1):
            ins = instructions[j]
            if ins.opname in _RECEIVER_OPS:
                follower = instructions[j + 1]
                if follower.opname in ("COPY", "DUP_TOP") or (
                    follower.opname in ("LOAD_ATTR", "STORE_ATTR") and follower.argval == name
                ):
                    return (ins.opname, str(ins.argval))
        return None

    @staticmethod
    def _lookup(frame: FrameType, ref: tuple[str, str]) -> Any:
        op, name = ref
        if op in ("LOAD_GLOBAL", "STORE_GLOBAL"):
            return frame.f_globals.get(name, _MISSING)
        if op in ("LOAD_NAME", "STORE_NAME"):
            value = frame.f_locals.get(name, _MISSING)
            return value if value is not _MISSING else frame.f_globals.get(name, _MISSING)
        return frame.f_locals.get(name, _MISSING)


# ----------------------------------------------------------------------------- the interleaving


@dataclass
class TraceRow:
    """One row of an interleaving excerpt: a thread's step, or an event such as a switch."""

    kind: str  # step, switch, block, wake, spawn, finish, note, gap
    thread: str
    file: str = ""
    line: int = 0
    source: str = ""
    note: str = ""
    count: int = 1  # instructions this row stands for

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_line_cache: dict[CodeType, dict[int, int]] = {}


def _line_of(code: CodeType, offset: int) -> int:
    table = _line_cache.get(code)
    if table is None:
        table = {}
        current = code.co_firstlineno
        starts = dict(dis.findlinestarts(code))
        for ins in dis.get_instructions(code):
            start = starts.get(ins.offset)
            if start is not None:
                current = start
            table[ins.offset] = current
        _line_cache[code] = table
    return table.get(offset, code.co_firstlineno)


def build_rows(log: list[Event], names: list[str]) -> list[TraceRow]:
    rows: list[TraceRow] = []
    last_step: dict[int, TraceRow] = {}
    for entry in log:
        kind = type(entry)
        if kind is Step:
            tid, code = entry.thread, entry.code
            line = _line_of(code, entry.offset)
            prev = rows[-1] if rows else None
            if (prev is not None and prev.kind == "step" and prev.thread == names[tid]
                    and prev.file == code.co_filename and prev.line == line):
                prev.count += 1
                last_step[tid] = prev
                continue
            row = TraceRow("step", names[tid], code.co_filename, line, source_line(code.co_filename, line))
            rows.append(row)
            last_step[tid] = row
        elif kind is Annotation:
            row = last_step.get(entry.thread)
            if row is not None:
                row.note = f"{row.note}; {entry.text}" if row.note else entry.text
        elif kind is Switch:
            src, dst, why = entry.src, entry.dst, entry.why
            prev = rows[-1] if rows else None
            if why in ("block", "finish") and prev is not None and prev.kind in ("block", "finish"):
                prev.note = f"{prev.note}; {names[dst]} runs"
                continue
            text = {
                "preempt": f"{names[src]} is preempted; {names[dst]} runs",
                "yield": f"{names[src]} lets another thread run (sleep(0)); {names[dst]} runs",
                "block": f"{names[src]} waits; {names[dst]} runs",
                "finish": f"{names[src]} finished; {names[dst]} runs",
                "stall": f"{names[src]} is stuck outside the engine; {names[dst]} runs",
            }[why]
            rows.append(TraceRow("switch", names[dst], note=text))
        elif kind is Block:
            tid, waiting = entry.thread, entry.waiting
            what = waiting.describe() if hasattr(waiting, "describe") else str(waiting)
            file, line = entry.site if entry.site else ("", 0)
            prev = rows[-1] if rows else None
            if prev is not None and prev.kind == "step" and prev.thread == names[tid] and (
                    prev.file, prev.line) == (file, line):
                rows.pop()  # the step that blocked is shown as the block itself
            rows.append(TraceRow("block", names[tid], file, line, source_line(file, line) if file else "",
                                 note=f"waits for {what}"))
        elif kind is Wake:
            if entry.timed_out:
                name = names[entry.thread]
                rows.append(TraceRow("wake", name, note=f"{name}'s timeout expires"))
        elif kind is Spawn:
            rows.append(TraceRow("spawn", names[entry.parent], note=f"starts {names[entry.child]}"))
        elif kind is Finish:
            error = entry.error
            if not error:
                note = "finishes"
            elif error in ("AssertionError", "Mistake", "RaceFailure"):
                note = "fails its check"
            else:
                note = f"stops with {error}"
            rows.append(TraceRow("finish", names[entry.thread], note=note))
        elif kind is Note:
            file, line = entry.site if entry.site else ("", 0)
            rows.append(TraceRow("note", names[entry.thread], file, line, source_line(file, line) if file else "",
                                 note=entry.label))
    return rows


def trim(rows: list[TraceRow], before: int = 2, after: int = 3, tail: int = 3,
         limit: int = 120) -> list[TraceRow]:
    """Keep every event, the steps around it, and the last steps of each thread."""
    keep = [False] * len(rows)
    for i, row in enumerate(rows):
        if row.kind != "step":
            keep[i] = True
            for j in range(max(0, i - before), min(len(rows), i + after + 1)):
                keep[j] = True
    seen: dict[str, int] = {}
    for i in range(len(rows) - 1, -1, -1):
        row = rows[i]
        if row.kind == "step" and seen.get(row.thread, 0) < tail:
            keep[i] = True
            seen[row.thread] = seen.get(row.thread, 0) + 1
    firsts: set[str] = set()
    for i, row in enumerate(rows):
        if row.kind == "step" and row.thread not in firsts:
            firsts.add(row.thread)
            keep[i] = True
    out: list[TraceRow] = []
    gap: list[TraceRow] = []

    def flush() -> None:
        if not gap:
            return
        by_thread: dict[str, int] = {}
        for row in gap:
            by_thread[row.thread] = by_thread.get(row.thread, 0) + row.count
        text = ", ".join(f"{n} by {t}" for t, n in by_thread.items())
        out.append(TraceRow("gap", "", note=f"... steps not shown: {text} ..."))
        gap.clear()

    for flag, row in zip(keep, rows):
        if flag:
            flush()
            out.append(row)
        else:
            gap.append(row)
    flush()
    if len(out) > limit:
        dropped = len(out) - limit
        out = [TraceRow("gap", "", note=f"... the first {dropped} rows are not shown ...")] + out[-limit:]
    return out


def render_rows(rows: list[TraceRow]) -> list[str]:
    width_thread = max([len(r.thread) for r in rows if r.kind in ("step", "block", "note")] + [6])
    places = [f"{display_path(r.file)}:{r.line}" for r in rows if r.file]
    width_place = max([len(p) for p in places] + [5])
    lines = [f"  {'thread':<{width_thread}} | {'where':<{width_place}} | code"]
    for row in rows:
        if row.kind in ("step", "block", "note"):
            place = f"{display_path(row.file)}:{row.line}" if row.file else ""
            text = row.source
            if row.kind == "step" and row.note:
                text = f"{text}    # {row.note}"
            elif row.kind != "step":
                text = f"{text}    # {row.note}" if text else f"# {row.note}"
            lines.append(f"  {row.thread:<{width_thread}} | {place:<{width_place}} | {text}".rstrip())
        elif row.kind == "gap":
            lines.append(f"  {row.note}")
        else:
            lines.append(f"  -- {row.thread + ' ' if row.kind in ('spawn', 'finish') else ''}{row.note} --")
    return lines


def describe_thread(state: dict[str, Any], kind: str) -> str:
    """One thread of a deadlock or busy-wait report: what it holds and waits for."""
    parts = []
    if state["holds"]:
        parts.append(f"holds {', '.join(state['holds'])}")
    if state["state"] == BLOCKED and state["waits_for"]:
        parts.append(f"waits for {state['waits_for']}" + (" (with a timeout)" if state["timeout"] else ""))
    elif state["state"] != BLOCKED:
        parts.append("is running" if kind in ("busy-wait", "inconclusive") else "could run")
    return f"{state['name']} {' and '.join(parts)}" if parts else state["name"]


def _site_text(site: Any) -> str:
    if not site:
        return "outside the code under test"
    file, line, source = site
    return f"{display_path(file)}:{line}: {source}" if source else f"{display_path(file)}:{line}"


def render(
    failure: Failure | None,
    rows: list[TraceRow],
    *,
    seed: int,
    strategy: str,
    preemptions: int,
    steps: int,
    replay_line: str,
    notes: list[str],
) -> str:
    """The whole report text of a failing run."""
    out: list[str] = []
    if failure is None:
        out.append("The schedule passed.")
    elif failure.kind in ("assertion", "exception"):
        out.append(f"The test failed under this schedule: {failure.message}")
        for file, line, source in failure.where:
            out.append(f"  at {display_path(file)}:{line}: {source}")
        if failure.exc_text and "\n" in failure.exc_text:
            out.extend("  | " + part for part in failure.exc_text.splitlines()[1:12])
    else:
        out.append(failure.message[0].upper() + failure.message[1:].rstrip(".") + ".")
        for state in failure.threads:
            out.append(f"  {describe_thread(state, failure.kind)}")
            out.append(f"      at {_site_text(state['site'])}")
    plural = "" if preemptions == 1 else "s"
    out.append("")
    out.append(f"How the threads interleaved (schedule {strategy}; {preemptions} preemption{plural}, "
               f"{steps} steps):")
    out.extend(render_rows(rows) if rows else ["  (no steps of the code under test were recorded)"])
    for note in notes:
        out.append(f"Note: {note}")
    out.append("")
    out.append(replay_line)
    return "\n".join(out)
