"""Starter files are generated from the solutions: answer regions become NotImplementedError.

The regions are marked the way nbgrader marks them (``### BEGIN SOLUTION`` / ``### END SOLUTION``),
and replaced the way ``nbgrader generate_assignment`` replaces them, so the same solution file feeds
the plain starter files and the notebooks.

    python -m autograder.exercises.starter          # rewrite assignments/<exercise>/<exercise>.py
    python -m autograder.exercises.starter --check  # exit 1 if any starter is out of date
    python -m autograder.exercises.starter --course DIR   # a course folder's exercises too
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"


def make_starter(solution: str) -> str:
    """The student's starting point: every answer region replaced by ``raise NotImplementedError()``."""
    out: list[str] = []
    inside = False
    for number, line in enumerate(solution.splitlines(keepends=True), start=1):
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise ValueError(f"line {number}: {BEGIN} inside another answer region")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}# YOUR CODE HERE\n")
            out.append(f"{indent}raise NotImplementedError()\n")
        elif stripped == END:
            if not inside:
                raise ValueError(f"line {number}: {END} without a {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{BEGIN} is never closed by {END}")
    return "".join(out)


def solution_regions(solution: str) -> list[str]:
    """The text of each answer region (what a student has to write)."""
    regions, current, inside = [], [], False
    for line in solution.splitlines(keepends=True):
        if line.strip() == BEGIN:
            inside, current = True, []
        elif line.strip() == END:
            inside = False
            regions.append("".join(current))
        elif inside:
            current.append(line)
    return regions


def sync(check: bool) -> int:
    from autograder.exercises import EXERCISES

    stale = []
    for exercise in EXERCISES.values():
        if exercise.solution is None or not exercise.solution.is_file():
            continue
        wanted = make_starter(exercise.solution.read_text(encoding="utf-8"))
        path = exercise.starter
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current != wanted:
            stale.append(path)
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(wanted, encoding="utf-8")
    verb = "out of date" if check else "rewritten"
    for path in stale:
        print(f"{path}: {verb}")
    return 1 if (check and stale) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate starter files from the solutions.")
    parser.add_argument("--check", action="store_true", help="only report starters that are out of date")
    parser.add_argument("--course", default=None, metavar="DIR",
                        help="a course folder whose exercises' starters are generated too")
    args = parser.parse_args(argv)
    if args.course is not None:
        from autograder import course

        try:
            course.activate(course.load(Path(args.course)))
        except course.CourseError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    return sync(args.check)


if __name__ == "__main__":
    sys.exit(main())
