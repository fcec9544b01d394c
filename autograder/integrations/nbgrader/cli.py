"""The ``autograder nbgrader`` command: ``autograder nbgrader init COURSE_DIR`` writes an nbgrader course.

``autograder.cli`` discovers this module and calls :func:`register`; ``python -m
autograder.integrations.nbgrader.cli init COURSE_DIR`` runs the same command on its own.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``nbgrader`` command (with its ``init`` verb) to an argparse subparsers object."""
    parser = subparsers.add_parser(
        "nbgrader", help="the exercises as an nbgrader course",
        description="The exercises as nbgrader notebooks, graded by nbgrader with the grader's hidden checks.",
    )
    verbs = parser.add_subparsers(dest="nbgrader_verb", metavar="VERB")
    init = verbs.add_parser(
        "init", help="write nbgrader_config.py and a source notebook per exercise",
        description="Write a ready nbgrader course: nbgrader_config.py and source/<exercise>/<exercise>.ipynb "
                    "for every exercise whose solution and hidden suite exist.",
    )
    init.add_argument("course_dir", metavar="COURSE_DIR", help="the course folder (created if missing)")
    init.add_argument("--course-id", default=None, metavar="ID",
                      help="nbgrader's course id (default: the folder's name)")
    init.add_argument("--force", action="store_true", help="overwrite an existing config and notebooks")
    init.add_argument("--course", default=None, metavar="DIR",
                      help="a course folder of your own: its exercises get notebooks too, with course.toml's "
                           "choices (default: ./course.toml if there is one)")
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    """Run ``autograder nbgrader VERB``: 0 when done, 2 with a one-line error on bad usage."""
    if getattr(args, "nbgrader_verb", None) != "init":
        print("autograder nbgrader: choose a verb: init COURSE_DIR", file=sys.stderr)
        return 2
    from autograder.grading.commands import use_course

    from .course import CourseExists, write_course

    if not use_course(args):
        return 2
    course_dir = Path(args.course_dir)
    if course_dir.exists() and not course_dir.is_dir():
        print(f"autograder nbgrader init: {course_dir} is not a folder", file=sys.stderr)
        return 2
    try:
        result = write_course(course_dir, course_id=args.course_id, force=args.force)
    except (CourseExists, ValueError) as exc:
        print(f"autograder nbgrader init: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {result.config}")
    for path in result.notebooks:
        print(f"wrote {path}")
    for name, why in result.skipped.items():
        print(f"skipped {name}: {why}")
    first = result.notebooks[0].parent.name
    print(f"next: cd {course_dir} && nbgrader generate_assignment {first}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m autograder.integrations.nbgrader.cli init COURSE_DIR``."""
    parser = argparse.ArgumentParser(prog="python -m autograder.integrations.nbgrader.cli")
    commands = parser.add_subparsers(dest="command")
    register(commands)
    # on its own the module is the nbgrader command: accept "init DIR" as well as "nbgrader init DIR"
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] != "nbgrader":
        argv = ["nbgrader", *argv]
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
