"""Right and wrong sample submissions for the demo and the benchmark.

In a source checkout the exercise zoo (``tests/exercises/zoo/<exercise>/{right,wrong}/*.py``) has
them, in a course folder ``samples/<exercise>/``. Elsewhere right means the reference solution,
and wrong means the starter file plus the solution with its locks taken out (every
``with <lock>:`` block run unprotected), the classic mistake.
"""

from __future__ import annotations

import re
from pathlib import Path

from autograder.exercises import Exercise

_WITH_LOCK = re.compile(r"^(\s*)with\s+[\w.\[\]]*(lock|mutex|_cond|condition)[\w.\[\]()]*\s*:\s*$", re.IGNORECASE)


def without_locks(source: str) -> str | None:
    """The source with every ``with ...lock:`` line removed and its block dedented; None if nothing changed."""
    lines = source.splitlines(keepends=True)
    out: list[str] = []
    i = 0
    changed = False
    while i < len(lines):
        match = _WITH_LOCK.match(lines[i].rstrip("\n"))
        if not match:
            out.append(lines[i])
            i += 1
            continue
        changed = True
        indent = match.group(1)
        i += 1
        block: list[str] = []
        while i < len(lines) and (not lines[i].strip() or
                                  len(lines[i]) - len(lines[i].lstrip()) > len(indent)):
            block.append(lines[i])
            i += 1
        inner = [len(b) - len(b.lstrip()) for b in block if b.strip()]
        shift = (min(inner) - len(indent)) if inner else 0
        out.extend(b[shift:] if b.strip() else b for b in block)
    if not changed:
        return None
    text = "".join(out)
    try:
        compile(text, "<mutant>", "exec")
    except SyntaxError:
        return None
    return text


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def samples(exercise: Exercise) -> dict[str, list[tuple[str, str]]]:
    """``{"right": [(label, source)], "wrong": [...]}`` for one exercise (lists may be empty)."""
    right: list[tuple[str, str]] = []
    wrong: list[tuple[str, str]] = []
    zoo = exercise.samples_dir
    if zoo is not None:
        right += [(f"zoo/right/{p.name}", _read(p)) for p in sorted((zoo / "right").glob("*.py"))]
        wrong += [(f"zoo/wrong/{p.name}", _read(p)) for p in sorted((zoo / "wrong").glob("*.py"))]
    solution = exercise.solution
    if not right and solution is not None and solution.is_file():
        right.append(("solution", _read(solution)))
    if not wrong:
        if solution is not None and solution.is_file():
            mutant = without_locks(_read(solution))
            if mutant is not None:
                wrong.append(("solution without locks", mutant))
        try:
            starter = exercise.starter
        except FileNotFoundError:
            starter = None
        if starter is not None and starter.is_file():
            wrong.append(("starter", _read(starter)))
    return {"right": right, "wrong": wrong}
