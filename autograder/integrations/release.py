"""``autograder release``: the student bundle, with no hidden suite and no solution inside.

The bundle holds each exercise's folder from ``assignments/`` (README, starter file, public tests;
a course folder's exercises too)
and a wheel of the grader built without the hidden suites and without the reference solutions, so
students install the same engine and ``check`` command the grader uses.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from autograder.exercises import EXERCISES

from .wheel import build_wheel

README = """# Threads course: your exercises

Install the checker once, in a virtual environment, from this folder (Linux and macOS):

    python3 -m venv .venv
    .venv/bin/pip install wheels/{wheel}

On Windows (PowerShell or cmd):

    py -m venv .venv
    .venv\\Scripts\\pip install wheels\\{wheel}

Every time you open a new terminal, activate the environment first, so that `autograder` is found:

    source .venv/bin/activate          # Linux and macOS
    .venv\\Scripts\\activate             # Windows

Then, in an exercise's folder, check your work as often as you like:

    cd assignments/counter
    autograder check counter             # runs the public tests against ./counter.py

A failing check prints what went wrong, the interleaving of threads that broke your code, and the
exact command that replays it. The grader runs more tests than these public ones.

Exercises:

{exercises}
"""


def build(out: Path) -> Path:
    """Write the bundle into ``out`` (created if needed); returns the wheel's path."""
    out.mkdir(parents=True, exist_ok=True)
    target = out / "assignments"
    if target.exists():
        shutil.rmtree(target)
    listed = []
    for exercise in EXERCISES.values():
        try:
            source = exercise.assignment_dir
        except FileNotFoundError:
            continue
        if not source.is_dir():
            continue
        shutil.copytree(source, target / exercise.name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        listed.append(f"- `assignments/{exercise.name}/`: {exercise.title} ({exercise.points} points)")
    wheels = out / "wheels"
    if wheels.exists():
        shutil.rmtree(wheels)
    wheel = build_wheel(wheels, include_hidden=False)
    (out / "README.md").write_text(README.format(wheel=wheel.name, exercises="\n".join(listed)), encoding="utf-8")
    return wheel
