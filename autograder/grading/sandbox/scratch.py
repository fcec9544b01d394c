"""The child's scratch folder, its environment and what its private view shows and hides."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .plan import PlannedTest


def base_env(home: Path) -> dict[str, str]:
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "TMPDIR": str(home),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        "MALLOC_ARENA_MAX": "2",
        "NO_COLOR": "1",
    }
    return env


def prepare_scratch(files: dict[str, Path], uid: int | None) -> tuple[Path, Path]:
    """A scratch folder with a private copy of the student's files; returns (root, work folder).

    ``files`` maps the name the file gets (``counter.py``) to where it is. Only regular files are
    copied (never a symbolic link's target), so a link to a secret cannot make it readable.
    """
    root = Path(tempfile.mkdtemp(prefix="autograder-"))
    os.chmod(root, 0o711)
    work = root / "work"
    work.mkdir()
    for name, source in files.items():
        target = work / name
        with open(source, "rb", opener=_nofollow_opener) as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    (root / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    if uid is not None:
        for path in [work, *work.iterdir()]:
            os.chown(path, uid, uid)
    os.chmod(work, 0o700)
    return root, work


def _nofollow_opener(path: str, flags: int) -> int:
    return os.open(path, flags | getattr(os, "O_NOFOLLOW", 0))


def remove_scratch(root: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)
    if root.exists():  # files the child made read-only, or folders without x for us
        for dirpath, dirnames, filenames in os.walk(root):
            for name in dirnames + filenames:
                try:
                    os.chmod(os.path.join(dirpath, name), 0o700, follow_symlinks=False)
                except OSError:
                    pass
        shutil.rmtree(root, ignore_errors=True)



def view(root: Path, plan: list[PlannedTest], protect: Sequence[Path]) -> dict[str, Any]:
    """What the child's rebuilt view must show (the suites, its scratch folder) and hide.

    Besides ``protect``, the reference solutions of an instructor's checkout are hidden: a
    submission that could read them could simply run them; so are a course folder's solutions and
    samples.
    """
    from autograder import course, resources

    hidden = [Path(p).resolve() for p in protect]
    solutions = resources.solutions_dir()
    if solutions is not None:
        hidden.append(solutions.resolve())
    hidden.extend(p.resolve() for p in course.private_folders())  # a course folder's solutions and samples
    return {"reach": sorted({str(_package_top(t.suite.resolve().parent)) for t in plan}), "writable": [str(root)],
            "protect": [str(p) for p in hidden], "network": True}


def _package_top(folder: Path) -> Path:
    """The outermost package folder around ``folder``: pytest imports a suite through all of them."""
    while (folder / "__init__.py").is_file() and (folder.parent / "__init__.py").is_file():
        folder = folder.parent
    return folder

