"""The grading verbs of the command line: ``check``, ``grade``, ``merge`` and ``demo``."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import sandbox
from .catalog import CatalogError
from .discover import DiscoveryError, parse_shard
from .grader import GradingError, print_error
from .model import format_points


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def seed_value(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a seed is a whole number, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("a seed cannot be negative")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, not {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than 0 seconds")
    return value


def add_limit_options(parser: argparse.ArgumentParser) -> None:
    defaults = sandbox.Limits()
    parser.add_argument("--time-limit", type=positive_float, default=None, metavar="SECONDS",
                        help=f"wall time one test may take (default: the course's time_limit, "
                             f"else {defaults.test_seconds:g})")
    parser.add_argument("--exercise-time-limit", type=positive_float, default=None, metavar="SECONDS",
                        help=f"wall time all tests of one exercise may take (default: the course's "
                             f"exercise_time_limit, else {defaults.exercise_seconds:g})")


def limits_from(args: argparse.Namespace) -> sandbox.Limits:
    """The limits given on the command line, else the course folder's, else the defaults."""
    from autograder import course as course_mod

    defaults = sandbox.Limits()
    chosen = course_mod.active()
    test_seconds = args.time_limit or (chosen and chosen.time_limit) or defaults.test_seconds
    exercise_seconds = (args.exercise_time_limit or (chosen and chosen.exercise_time_limit)
                        or defaults.exercise_seconds)
    return sandbox.Limits(test_seconds=test_seconds, exercise_seconds=exercise_seconds,
                          cpu_seconds=max(defaults.cpu_seconds, int(exercise_seconds) + 10))


def add_course_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--course", default=None, metavar="DIR",
                        help="a course folder of your own: its exercises join the grader's, and its course.toml "
                             "chooses the graded exercises, points and time limits (default: ./course.toml "
                             "if there is one)")


def use_course(args: argparse.Namespace) -> bool:
    """Load and activate ``--course`` (or ./course.toml); print one error line and return False if it is bad."""
    from autograder import course as course_mod

    try:
        course_mod.activate(course_mod.find(getattr(args, "course", None)))
    except course_mod.CourseError as exc:
        print_error(str(exc))
        return False
    return True


# ----------------------------------------------------------------------------------- check


def cmd_check(args: argparse.Namespace) -> int:
    from .check import CheckUsageError, render, run_check

    if not use_course(args):
        return 2
    try:
        seed, lines = run_check(args.exercise, args.path, seed=args.seed, test=args.test, hidden=args.hidden,
                                limits=limits_from(args))
    except CheckUsageError as exc:
        print_error(str(exc))
        return 2
    except (CatalogError, sandbox.SandboxError) as exc:
        print_error(f"the checks could not run: {str(exc).strip().splitlines()[-1] if str(exc).strip() else exc}")
        return 2
    shown = args.path or f"{args.exercise}.py"
    print(render(args.exercise, shown, seed, lines))
    return 0 if all(line.passed for line in lines) else 1


# ----------------------------------------------------------------------------------- grade


@contextmanager
def progress_bar(enabled: bool = True) -> Iterator[Any]:
    """A rich progress bar on stderr; yields the callback grade_class calls."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    progress = Progress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        TextColumn("{task.description}"), console=console, disable=not enabled,
                        transient=False)
    task = None

    def update(done: int, total: int, student: str) -> None:
        nonlocal task
        if task is None:
            task = progress.add_task("", total=total)
        progress.update(task, completed=done, description=student)

    with progress:
        yield update


def print_warning(message: str) -> None:
    print(f"autograder: warning: {message}", file=sys.stderr)


def report_class_run(run: Any, out: Path, shard: tuple[int, int] | None = None) -> int:
    """Print what a class run did, its warnings and where the outputs are; returns the exit status."""
    for entry in run.skipped:
        print_warning(f"skipped {entry.name!r}: {entry.reason}")
    for student in run.no_files:
        print_warning(f"{student}: no exercise file found in the folder (it gets 0 for every exercise)")
    shard_text = f" (shard {shard[0]}/{shard[1]})" if shard else ""
    print(f"Graded {len(run.results)} submission{'s' if len(run.results) != 1 else ''}{shard_text}: "
          f"{run.graded - len(run.withheld)} graded now, {run.reused} unchanged since the last run "
          f"(seed {run.seed}).")
    print(f"Grades:       {out / 'grades.csv'}")
    print(f"Class report: {out / 'report.html'}")
    if run.withheld or run.stopped:
        names = ", ".join(r.student for r in run.withheld[:5]) + (" ..." if len(run.withheld) > 5 else "")
        stop = " and stopped grading the rest" if run.stopped else ""
        print_error(f"the grader itself could not run some tests of {len(run.withheld)} submission"
                    f"{'s' if len(run.withheld) != 1 else ''} ({names}){stop}: no grade was published for "
                    "them; run the same command again to retry them, and see `autograder check EXERCISE "
                    "--hidden` on the reference solution if it persists")
        return 2
    return 0


def cmd_grade(args: argparse.Namespace) -> int:
    from .canary import GraderFault
    from .discover import discover
    from .grader import grade_class

    if not use_course(args):
        return 2
    try:
        shard = parse_shard(args.shard)
    except ValueError as exc:
        print_error(str(exc))
        return 2
    out = Path(args.out)
    submissions = Path(args.submissions)
    skipped: list[Any] = []
    try:
        # everything that can be wrong with the input is said before a progress bar appears
        students = discover(submissions, skipped)
    except DiscoveryError as exc:
        print_error(str(exc))
        return 2
    if not students:
        for entry in skipped:
            print_warning(f"skipped {entry.name!r}: {entry.reason}")
        print_error(f"{submissions} holds no student folder, so there is nothing to grade (it should hold one "
                    "folder per student)")
        return 2
    try:
        with progress_bar(not args.quiet) as update:
            run = grade_class(submissions, out, jobs=args.jobs, seed=args.seed, shard=shard,
                              limits=limits_from(args), progress=update, students=students, skipped=skipped)
    except (GradingError, CatalogError) as exc:
        print_error(str(exc))
        return 2
    except GraderFault as exc:
        print_error(f"the grader cannot run its own suites: {exc}. No grade was written. Check that this "
                    "Python imports the installed grader (not another copy in the current folder) and that "
                    "the sandbox can start Python")
        return 2
    except KeyboardInterrupt:
        print(f"autograder: interrupted; the submissions graded so far are kept in {out / 'gradebook.sqlite'}: "
              "run the same command again to resume", file=sys.stderr)
        return 130
    return report_class_run(run, out, shard)


# ----------------------------------------------------------------------------------- merge


def cmd_merge(args: argparse.Namespace) -> int:
    from .merge import merge

    try:
        results = merge([Path(p) for p in args.inputs], Path(args.out))
    except GradingError as exc:
        print_error(str(exc))
        return 2
    print(f"Merged {len(results)} submissions from {len(args.inputs)} folders into {args.out}.")
    print(f"Grades:       {Path(args.out) / 'grades.csv'}")
    print(f"Class report: {Path(args.out) / 'report.html'}")
    return 0


# ------------------------------------------------------------------------------------ demo


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import build_class
    from .grader import grade_class

    if not use_course(args):
        return 2
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="autograder-demo-"))
    submissions = out / "submissions"
    graded = out / "graded"
    try:
        if submissions.exists():
            shutil.rmtree(submissions)
        submissions.mkdir(parents=True, exist_ok=True)
        plan = build_class(submissions, students=args.students, seed=args.class_seed)
    except OSError as exc:
        print_error(f"cannot write the demo class to {out}: {exc.strerror or exc}")
        return 2
    print(f"A demo class of {len(plan)} students is in {submissions}:")
    for student, chosen in plan.items():
        print(f"  {student}: " + ", ".join(f"{name} ({label})" for name, label in chosen.items()))
    from .canary import GraderFault

    try:
        with progress_bar(not args.quiet) as update:
            run = grade_class(submissions, graded, jobs=args.jobs, seed=args.seed, progress=update)
    except (DiscoveryError, GradingError, CatalogError) as exc:
        print_error(str(exc))
        return 2
    except GraderFault as exc:
        print_error(f"the grader cannot run its own suites: {exc}. No grade was written")
        return 2
    print()
    for result in run.results:
        print(f"  {result.student:<28} {format_points(result.points):>5} / {format_points(result.max_points)}")
    print()
    print(f"Feedback:     {graded}/<student>/feedback.html")
    return report_class_run(run, graded)


# ------------------------------------------------------------------------------- register


def register(subparsers: Any) -> None:
    check = subparsers.add_parser("check", help="run an exercise's public tests against your file",
                                  description="Run an exercise's public tests against your file (default "
                                              "./EXERCISE.py). Exit 0 when all pass, 1 when any fails.")
    from autograder.exercises import EXERCISES

    check.add_argument("exercise", metavar="EXERCISE",
                       help=f"the exercise to check: {', '.join(EXERCISES)} (or one of the course folder's)")
    check.add_argument("path", metavar="PATH", nargs="?", default=None,
                       help="your file, or the folder that holds it (default: ./EXERCISE.py)")
    check.add_argument("--seed", type=seed_value, default=None, help="replay the schedules and data of this seed")
    check.add_argument("--test", default=None, metavar="NAME", help="run only this test")
    check.add_argument("--hidden", action="store_true",
                       help="run the hidden suite instead (only where the grader with its hidden tests is installed)")
    add_limit_options(check)
    add_course_option(check)
    check.set_defaults(func=cmd_check)

    grade = subparsers.add_parser("grade", help="grade a folder of student submissions",
                                  description="Grade SUBMISSIONS (one folder per student) into OUT.")
    grade.add_argument("submissions", metavar="SUBMISSIONS",
                       help="a folder with one folder per student (files at any depth inside)")
    grade.add_argument("--out", required=True, metavar="OUT",
                       help="where grades.csv, report.html and each student's feedback go (re-used to resume)")
    grade.add_argument("--jobs", type=positive_int, default=os.cpu_count() or 1, metavar="N",
                       help="submissions graded at once (default: the CPU count)")
    grade.add_argument("--seed", type=seed_value, default=None, metavar="S", help="make the run reproducible")
    grade.add_argument("--shard", default=None, metavar="K/N", help="grade only the K-th of N slices of the class")
    grade.add_argument("--quiet", action="store_true", help="no progress bar")
    add_limit_options(grade)
    add_course_option(grade)
    grade.set_defaults(func=cmd_grade)

    merge = subparsers.add_parser("merge", help="join the OUT folders of several shards into one",
                                  description="Join OUT folders of `grade` (for example of --shard runs).")
    merge.add_argument("inputs", metavar="OUT_N", nargs="+", help="the OUT folders of the shards to join")
    merge.add_argument("--out", required=True, metavar="OUT", help="where the merged outputs go")
    merge.set_defaults(func=cmd_merge)

    demo = subparsers.add_parser("demo", help="grade a small made-up class and show the reports",
                                 description="Build a small class from right and wrong samples, grade it, "
                                             "and print where the reports are.")
    demo.add_argument("--out", default=None, metavar="DIR", help="where to put the class and its grades")
    demo.add_argument("--students", type=positive_int, default=8, metavar="N",
                      help="how many made-up students (default 8)")
    demo.add_argument("--class-seed", type=int, default=2024, metavar="N", help="which made-up class")
    demo.add_argument("--seed", type=seed_value, default=1, metavar="S", help="the grading seed (default 1)")
    demo.add_argument("--jobs", type=positive_int, default=os.cpu_count() or 1, metavar="N",
                      help="submissions graded at once (default: the CPU count)")
    demo.add_argument("--quiet", action="store_true", help="no progress bar")
    add_course_option(demo)
    demo.set_defaults(func=cmd_demo)
