"""A race's interleaving as a timeline: one lane per thread, one row per step or event.

Built from the trace rows of an engine outcome (``kind``/``thread``/``file``/``line``/``source``/
``note``), which travel inside the result model as plain dicts; this module never imports the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Cell:
    text: str  # what the thread did: "counter.py:27  self._value += amount"
    note: str = ""  # what it read or wrote, or what happened
    kind: str = "step"


@dataclass
class Row:
    """Either one thread's cell (``lane`` >= 0) or an event across all lanes (``lane`` == -1)."""

    lane: int
    cell: Cell
    switch: bool = False  # a preemption or hand-over happens here


@dataclass
class Timeline:
    threads: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.rows


def build(trace: list[dict[str, Any]] | None) -> Timeline:
    """Lanes in the order threads first appear; events keep their place between the steps."""
    timeline = Timeline()
    if not trace:
        return timeline
    lanes: dict[str, int] = {}

    def lane(name: str) -> int:
        if name not in lanes:
            lanes[name] = len(timeline.threads)
            timeline.threads.append(name)
        return lanes[name]

    for row in trace:
        kind = row.get("kind", "step")
        thread = row.get("thread", "")
        note = shorten(row.get("note", "") or "")
        if kind in ("step", "block", "note"):
            place = f"{row.get('file', '')}:{row.get('line', 0)}" if row.get("file") else ""
            source = row.get("source", "") or ""
            count = int(row.get("count", 1) or 1)
            text = f"{place}  {source}".strip()
            if count > 1 and kind == "step":
                note = f"{note}; {count} steps" if note else f"{count} steps"
            timeline.rows.append(Row(lane(thread), Cell(text, note, kind)))
        elif kind in ("spawn", "finish", "wake"):
            timeline.rows.append(Row(lane(thread), Cell("", note, kind)))
        elif kind == "switch":
            lane(thread)
            timeline.rows.append(Row(-1, Cell("", note, kind), switch="preempted" in note))
        else:  # gap and anything new
            timeline.rows.append(Row(-1, Cell("", note, kind)))
    return timeline


def shorten(note: str, keep: int = 2) -> str:
    """A long run of annotations ("reads x -> 1; writes x = 2; ...") cut to its first and last parts."""
    parts = [p.strip() for p in note.split(";") if p.strip()]
    if len(parts) <= keep + 1:
        return "; ".join(parts)
    return "; ".join(parts[:keep]) + "; …; " + parts[-1]


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("`", "'")


def to_markdown(timeline: Timeline) -> str:
    """A Markdown table with one column per thread."""
    if timeline.empty:
        return ""
    header = "| # | " + " | ".join(_md_escape(t) for t in timeline.threads) + " |"
    rule = "|---:|" + "|".join("---" for _ in timeline.threads) + "|"
    lines = [header, rule]
    width = len(timeline.threads)
    for number, row in enumerate(timeline.rows, start=1):
        cells = [""] * width
        if row.lane >= 0:
            cell = row.cell
            parts = []
            if cell.text:
                parts.append(f"`{_md_escape(cell.text)}`")
            if cell.note:
                parts.append(f"*{_md_escape(cell.note)}*")
            cells[row.lane] = " ".join(parts)
        else:
            marker = "**⇄ " if row.switch else "*"
            end = "**" if row.switch else "*"
            cells[0] = f"{marker}{_md_escape(row.cell.note)}{end}"
        lines.append(f"| {number} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
