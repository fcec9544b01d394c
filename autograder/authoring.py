"""The instructor's authoring verbs of the command line: ``new`` (scaffold an exercise) and ``validate``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from autograder.grading.commands import add_course_option, positive_int, use_course
from autograder.grading.grader import print_error


def cmd_new(args: argparse.Namespace) -> int:
    from autograder.course import COURSE_FILE

    from .scaffold import ScaffoldError, scaffold

    if args.course is None and not (Path.cwd() / COURSE_FILE).is_file():
        print_error("say which course folder the exercise goes in: --course DIR (it is created if missing)")
        return 2
    course = Path(args.course) if args.course is not None else Path.cwd()
    if course.exists() and not course.is_dir():
        print_error(f"{course} is not a folder")
        return 2
    try:
        written = scaffold(args.name, course)
    except ScaffoldError as exc:
        print_error(str(exc))
        return 2
    except OSError as exc:
        print_error(f"cannot write into {course}: {exc.strerror or exc}")
        return 2
    print(f"New exercise {args.name} in {course}:")
    for path in written:
        print(f"  {path.relative_to(course)}")
    from autograder import course as course_mod

    try:
        graded = course_mod.load(course).graded
    except course_mod.CourseError:
        graded = None
    if graded is not None and args.name not in graded:
        print(f"Note: the exercises list in {course / COURSE_FILE} does not name {args.name}: add it there "
              "to grade it.")
    option = f" --course {args.course}" if args.course is not None else ""
    print(f"Next: edit the task, the solution (then `python -m autograder.exercises.starter{option}` regenerates "
          f"the starter), the suite and the samples, and run `autograder validate {args.name}{option}`.")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from autograder import course as course_mod
    from autograder.exercises import EXERCISES

    from .grading.validate import render, validate_exercise

    if not use_course(args):
        return 2
    chosen = course_mod.active()
    if args.exercise is not None:
        if args.exercise not in EXERCISES:
            print_error(f"unknown exercise {args.exercise!r}: choose one of {', '.join(EXERCISES)}")
            return 2
        names = [args.exercise]
    elif chosen is not None:
        names = [e.name for e in chosen.exercises if e.name in EXERCISES]
    else:
        names = list(EXERCISES)
    if not names:
        print_error("there is no exercise to validate")
        return 2

    def show(check: Any) -> None:
        if not args.quiet:
            verdict = "ok" if check.ok else "FAIL"
            print(f"  {check.exercise}: {check.subject}: {verdict}", file=sys.stderr, flush=True)

    checks = []
    for name in names:
        if not args.quiet:
            print(f"validating {name} over {args.seeds} seeds...", file=sys.stderr, flush=True)
        checks += validate_exercise(EXERCISES[name], seeds=args.seeds, progress=show)
    print(render(checks))
    return 0 if all(c.ok for c in checks) else 1


def register(subparsers: Any) -> None:
    from importlib.util import find_spec

    if find_spec("autograder.scaffold") is not None:  # not in the student wheel
        _register_new(subparsers)
    _register_validate(subparsers)


def _register_new(subparsers: Any) -> None:
    new = subparsers.add_parser("new", help="scaffold a new exercise in a course folder",
                                description="Write a new exercise into a course folder: task README, solution "
                                            "with answer markers, generated starter, public tests, hidden suite "
                                            "and samples with a manifest. It validates and grades as it is.")
    new.add_argument("name", metavar="NAME", help="the exercise's name, also the student's module NAME.py")
    new.add_argument("--course", default=None, metavar="DIR",
                     help="the course folder (created if missing; default: the current folder if it has a course.toml)")
    new.set_defaults(func=cmd_new)


def _register_validate(subparsers: Any) -> None:
    validate = subparsers.add_parser(
        "validate", help="check a hidden suite against its solution, starter and samples",
        description="Check suites before students see them: the solution earns full marks on every seed, the "
                    "starter earns 0 without crashing, each wrong sample loses the tests its manifest names and "
                    "each right sample earns full marks. Exit 0 when all hold, 1 when any fails.")
    from autograder.exercises import EXERCISES

    validate.add_argument("exercise", metavar="EXERCISE", nargs="?", default=None,
                          help=f"the exercise to validate: {', '.join(EXERCISES)} or one of the course folder's "
                               "(default: the course folder's own, else all)")
    validate.add_argument("--seeds", type=positive_int, default=10, metavar="N",
                          help="sweep base seeds 1..N (default 10)")
    validate.add_argument("--quiet", action="store_true", help="print only the table")
    add_course_option(validate)
    validate.set_defaults(func=cmd_validate)
