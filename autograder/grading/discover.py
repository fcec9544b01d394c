"""Find each student's exercise files: one folder per student, the files at any depth inside it.

GitHub Classroom clones and Gradescope exports nest files (``alice/repo-main/src/counter.py``), so
each exercise file is searched for through the whole folder; the shallowest match wins. Hidden
folders, virtual environments and caches are skipped, and symbolic links are never followed (a
link could point at a file the student may not read).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from autograder.exercises import EXERCISES

SKIP_DIRS = {"__pycache__", "node_modules", "venv", ".venv", "env", "site-packages", "__MACOSX"}
MAX_FILE_BYTES = 1 << 20  # a student file larger than this is not source code
MAX_HELPERS = 20


@dataclass
class StudentFiles:
    """What one student handed in: exercise name -> file, plus helper modules beside those files."""

    student: str
    folder: Path
    exercises: dict[str, Path] = field(default_factory=dict)
    helpers: dict[str, Path] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)  # exercise -> a remark for the feedback

    def relative(self, path: Path) -> str:
        return path.relative_to(self.folder).as_posix()

    def fingerprint(self, extra: str) -> str:
        """Changes when any graded file, its place, or ``extra`` (grader version, seed) changes."""
        digest = hashlib.sha256(extra.encode())
        for name, path in sorted(self.exercises.items()) + sorted(self.helpers.items()):
            digest.update(f"\0{name}\0{self.relative(path)}\0".encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()


class DiscoveryError(ValueError):
    """SUBMISSIONS is not a folder of student folders."""


def _shadows_a_module(stem: str) -> bool:
    if stem in sys.stdlib_module_names or stem in EXERCISES:
        return True
    try:
        return importlib.util.find_spec(stem) is not None
    except (ImportError, ValueError):
        return True


def find_files(student: str, folder: Path) -> StudentFiles:
    """The exercise files (shallowest match of each name) and helper modules of one student."""
    found: dict[str, list[tuple[int, str, Path]]] = {}
    wanted = {e.file_name: e.name for e in EXERCISES.values()}
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in SKIP_DIRS)
        depth = len(Path(dirpath).relative_to(folder).parts)
        for name in filenames:
            if name in wanted:
                path = Path(dirpath) / name
                if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
                    continue
                found.setdefault(wanted[name], []).append((depth, path.relative_to(folder).as_posix(), path))
    files = StudentFiles(student, folder)
    for exercise, matches in found.items():
        matches.sort()
        files.exercises[exercise] = matches[0][2]
        if len(matches) > 1:
            others = ", ".join(m[1] for m in matches[1:4])
            files.notes[exercise] = (f"Several {EXERCISES[exercise].file_name} files were found; "
                                     f"{matches[0][1]} was graded (not {others}).")
    for path in sorted({p.parent for p in files.exercises.values()}):
        for entry in sorted(path.iterdir()):
            if len(files.helpers) >= MAX_HELPERS:
                break
            stem = entry.stem
            if (entry.suffix != ".py" or entry.name in wanted or entry.is_symlink() or not entry.is_file()
                    or stem.startswith("test_") or stem == "conftest" or not stem.isidentifier()
                    or entry.name in files.helpers or entry.stat().st_size > MAX_FILE_BYTES
                    or _shadows_a_module(stem)):
                continue
            files.helpers[entry.name] = entry
    return files


@dataclass
class Skipped:
    """An entry of SUBMISSIONS that is not graded, and why (printed for the instructor)."""

    name: str
    reason: str


# entries tools leave beside student folders: skipped, but still named in the warnings
_TOOL_ENTRIES = {".git", ".github", ".DS_Store", "__MACOSX", "__pycache__", ".ipynb_checkpoints", ".venv", "venv"}


def discover(submissions: Path, skipped: list[Skipped] | None = None) -> list[StudentFiles]:
    """One :class:`StudentFiles` per student folder of ``submissions``, sorted by student name.

    Every other entry is appended to ``skipped`` with the reason it is not graded, so that no
    entry of the folder disappears without a word.
    """
    if not submissions.exists():
        raise DiscoveryError(f"{submissions} does not exist")
    if not submissions.is_dir():
        raise DiscoveryError(f"{submissions} is a file, not a folder: SUBMISSIONS should hold one folder per "
                             "student")
    students = []
    for entry in sorted(submissions.iterdir()):
        reason = ""
        if entry.is_symlink():
            reason = "a symbolic link (links are never followed: copy the folder in instead)"
        elif not entry.is_dir():
            reason = "a file, not a student folder"
        elif entry.name in _TOOL_ENTRIES:
            reason = "a tool's folder, not a student's"
        elif entry.name.startswith((".", "__")):
            reason = "a hidden folder (its name starts with '.' or '__'): rename it to grade it"
        if reason:
            if skipped is not None:
                skipped.append(Skipped(entry.name, reason))
            continue
        students.append(find_files(entry.name, entry))
    return students


def parse_shard(text: str | None) -> tuple[int, int] | None:
    """``"2/4"`` -> (2, 4); ValueError with a reason for anything else."""
    if text is None:
        return None
    parts = text.split("/")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        raise ValueError(f"--shard must look like K/N (for example 1/4), not {text!r}")
    k, n = int(parts[0]), int(parts[1])
    if n < 1 or not 1 <= k <= n:
        raise ValueError(f"--shard {text}: K must be between 1 and N")
    return k, n


def in_shard(student: str, shard: tuple[int, int] | None) -> bool:
    """Whether ``student`` belongs to shard K of N: a stable hash of the name, so every machine agrees."""
    if shard is None:
        return True
    k, n = shard
    value = int.from_bytes(hashlib.sha256(student.encode()).digest()[:8], "big")
    return value % n == k - 1
