"""Keeps the hidden suites and the reference solutions out of everything a student sees.

Student code can get a hidden suite's text in many ways (``inspect.getsource``, linecache, a file
it reads and prints, an exception message, a file it writes); the child refuses the obvious ones,
and this filter is the backstop: before anything is written, every student-visible string of the
result (feedback, notes, the race outcome) loses the lines that are lines of a hidden suite or a
reference solution. Lines that public material already shows (the starter files, the public
tests, the task READMEs, the rest of the installed package) are not secret, and neither are the
lines of the student's own files. Text transformed by student code (encoded, reversed, split) is
beyond any filter of this kind: the README says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MIN_LENGTH = 12  # shorter lines (``return x``, ``pass``, ``)``) are too common to be anyone's secret
REMOVED = "[a line of the grader's hidden material was removed here]"


def normalize(line: str) -> str:
    return " ".join(line.split())


# a suite line that is only a sleep of a set time gives nothing away, and it is word for word what the
# race engine says of a thread waiting there ("time.sleep(10)"): a test's own trace would read as a leak
_SAYS_NOTHING = re.compile(r"time\.sleep\(\s*[0-9.]+\s*\)")


def _lines(path: Path) -> set[str]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    return {n for n in (normalize(line) for line in text.splitlines())
            if len(n) >= MIN_LENGTH and not _SAYS_NOTHING.fullmatch(n)}


def public_files() -> list[Path]:
    """What students may see anyway: the assignments and the installed package minus its hidden suites."""
    from autograder import resources

    files: list[Path] = []
    try:
        files += [p for p in resources.assignments_dir().rglob("*") if p.is_file()]
    except FileNotFoundError:
        pass
    files += [p for p in resources.PACKAGE_DIR.rglob("*.py") if p.name != "hidden_tests.py"]
    return files


def secret_files(suites: Iterable[Path]) -> list[Path]:
    from autograder import resources

    files = [Path(s) for s in suites]
    solutions = resources.solutions_dir()
    if solutions is not None:
        files += sorted(solutions.rglob("*.py"))
    return files


@dataclass
class LeakFilter:
    """The secret lines; :meth:`clean` removes them from a text."""

    secret: frozenset[str]
    allowed: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def build(cls, secrets: Iterable[Path], public: Iterable[Path] = ()) -> LeakFilter:
        secret: set[str] = set()
        for path in secrets:
            secret |= _lines(path)
        for path in public:
            secret -= _lines(path)
        return cls(frozenset(secret))

    def allowing(self, texts: Iterable[str]) -> LeakFilter:
        """The same filter for one student: lines of their own files are theirs to see."""
        own = {n for text in texts for n in (normalize(line) for line in text.splitlines()) if len(n) >= MIN_LENGTH}
        return LeakFilter(self.secret, frozenset(own & self.secret))

    def _is_secret(self, line: str) -> bool:
        candidates = [line, *line.split("\\n")]
        for candidate in candidates:
            norm = normalize(candidate)
            for variant in (norm, norm.strip("'\"`"), norm.strip("'\"`,;()[]{}")):
                if len(variant) >= MIN_LENGTH and variant in self.secret and variant not in self.allowed:
                    return True
        return False

    def clean(self, text: str) -> tuple[str, int]:
        """``text`` without its secret lines, and how many went.

        Each run of secret lines becomes one marker line; when a text holds several, everything
        from the first to the last goes (the short lines between them belong to the same copy).
        """
        if not text:
            return text, 0
        lines = text.split("\n")
        marks = [i for i, line in enumerate(lines) if self._is_secret(line)]
        if not marks:
            return text, 0
        if len(marks) >= 3:
            return "\n".join([*lines[:marks[0]], REMOVED, *lines[marks[-1] + 1:]]), len(marks)
        out: list[str] = []
        for i, line in enumerate(lines):
            if i in marks:
                if not out or out[-1] != REMOVED:
                    out.append(REMOVED)
            else:
                out.append(line)
        return "\n".join(out), len(marks)

    def clean_value(self, value: Any) -> tuple[Any, int]:
        """Strings inside lists and dicts too."""
        if isinstance(value, str):
            return self.clean(value)
        if isinstance(value, list):
            total = 0
            items = []
            for item in value:
                cleaned, n = self.clean_value(item)
                items.append(cleaned)
                total += n
            return items, total
        if isinstance(value, dict):
            total = 0
            data = {}
            for key, item in value.items():
                cleaned, n = self.clean_value(item)
                data[key] = cleaned
                total += n
            return data, total
        return value, 0


_cache: dict[tuple[str, ...], LeakFilter] = {}


def leak_filter(suites: Iterable[Path]) -> LeakFilter:
    """The filter for these hidden suites (built once per process)."""
    key = tuple(sorted(str(s) for s in suites))
    if key not in _cache:
        _cache[key] = LeakFilter.build(secret_files(Path(k) for k in key), public_files())
    return _cache[key]
