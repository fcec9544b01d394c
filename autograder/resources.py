"""Where the course material lives: inside an installed package, or beside it in a source checkout."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
_DATA = PACKAGE_DIR / "_data"  # filled by the wheel build (see pyproject.toml)
_SOURCE_ROOT = PACKAGE_DIR.parent


def _find(name: str) -> Path | None:
    for base in (_DATA / name, _SOURCE_ROOT / name):
        if base.is_dir():
            return base
    return None


def assignments_dir() -> Path:
    found = _find("assignments")
    if found is None:
        raise FileNotFoundError("the course's assignments/ folder is not installed with this package")
    return found


def solutions_dir() -> Path | None:
    """Reference solutions: present for instructors, absent from the student bundle."""
    return _find("solutions")
