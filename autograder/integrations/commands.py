"""The publishing verbs of the command line: ``gradescope``, ``classroom`` and ``release``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from autograder.grading.catalog import CatalogError
from autograder.grading.commands import (
    add_course_option,
    add_limit_options,
    limits_from,
    positive_int,
    seed_value,
    use_course,
)
from autograder.grading.grader import print_error
from autograder.grading.model import format_points


def cmd_gradescope_build(args: argparse.Namespace) -> int:
    from autograder import course

    from .gradescope import build_zip

    if not use_course(args):
        return 2
    out = Path(args.out)
    try:
        build_zip(out, seed=args.seed, course=course.active())
    except OSError as exc:
        print_error(f"cannot write {out}: {exc.strerror or exc}")
        return 2
    print(f"Gradescope autograder: {out} (upload it as the assignment's autograder)")
    return 0


def cmd_gradescope_run(args: argparse.Namespace) -> int:
    from .gradescope import run

    if not use_course(args):
        return 2
    try:
        path = run(Path(args.root), seed=args.seed, limits=limits_from(args))
    except (OSError, CatalogError) as exc:
        print_error(str(exc))
        return 2
    print(f"Results: {path}")
    return 0


def cmd_classroom_init(args: argparse.Namespace) -> int:
    from autograder import course

    from .classroom import init

    if not use_course(args):
        return 2
    try:
        path = init(Path(args.dir), package=args.package, force=args.force, course=course.active())
    except (FileNotFoundError, FileExistsError, OSError) as exc:
        print_error(str(exc))
        return 2
    print(f"GitHub Classroom workflow: {path} (commit it to the assignment's template repository)")
    return 0


def cmd_classroom_report(args: argparse.Namespace) -> int:
    from .classroom import report

    if not use_course(args):
        return 2
    repository = Path(args.path)
    if not repository.is_dir():
        print_error(f"{repository} is not a folder")
        return 2
    try:
        result, _ = report(repository, seed=args.seed, limits=limits_from(args))
    except CatalogError as exc:
        print_error(str(exc))
        return 2
    for exercise in result.exercises:
        print(f"{exercise.name}: {format_points(exercise.points)} / {format_points(exercise.max_points)}")
    print(f"Points {format_points(result.points)}/{format_points(result.max_points)}")
    return 0


def cmd_ci_init(args: argparse.Namespace) -> int:
    from .ci import Plan, init

    try:
        plan = Plan(shards=args.shards, submissions=args.submissions, package=args.package, python=args.python,
                    jobs=args.jobs, minutes=args.minutes)
        written = init(Path(args.dir), plan, slurm=args.slurm, force=args.force)
    except ValueError as exc:
        print_error(str(exc))
        return 2
    except OSError as exc:
        print_error(str(exc))
        return 2
    for path in written:
        print(f"Wrote {path}")
    print(f"Each of {plan.shards} shards grades about 1/{plan.shards} of {plan.submissions}/ with one shared seed; "
          "the merge job publishes grades.csv and report.html as artifacts.")
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from .release import build

    if not use_course(args):
        return 2
    out = Path(args.out)
    try:
        wheel = build(out)
    except (OSError, FileNotFoundError) as exc:
        print_error(f"cannot write the bundle to {out}: {exc}")
        return 2
    print(f"Student bundle: {out} (assignments/, wheels/{wheel.name}, README.md)")
    return 0


def register(subparsers: Any) -> None:
    gradescope = subparsers.add_parser("gradescope", help="build or run the Gradescope autograder")
    verbs = gradescope.add_subparsers(dest="gradescope_command", metavar="ACTION", required=True)
    build = verbs.add_parser("build", help="write the autograder zip to upload to Gradescope")
    build.add_argument("--out", default="autograder.zip", metavar="ZIP",
                       help="the zip to write (default: autograder.zip)")
    build.add_argument("--seed", type=seed_value, default=None, metavar="S",
                       help="grade every submission with this seed (default: a fresh one each time)")
    add_course_option(build)
    build.set_defaults(func=cmd_gradescope_build)
    run = verbs.add_parser("run", help="grade ROOT/submission into ROOT/results/results.json "
                                       "(what run_autograder does)")
    run.add_argument("--root", default="/autograder", metavar="ROOT",
                     help="Gradescope's folder: ROOT/submission in, ROOT/results out (default: /autograder)")
    run.add_argument("--seed", type=seed_value, default=None, metavar="S", help="make the run reproducible")
    add_limit_options(run)
    add_course_option(run)
    run.set_defaults(func=cmd_gradescope_run)

    classroom = subparsers.add_parser("classroom", help="GitHub Classroom: write the workflow, report points")
    verbs = classroom.add_subparsers(dest="classroom_command", metavar="ACTION", required=True)
    init = verbs.add_parser("init", help="write .github/workflows/classroom.yml into a student repository")
    init.add_argument("dir", metavar="DIR", help="the assignment's template repository")
    init.add_argument("--package", default=None, metavar="SPEC",
                      help="what the workflow installs with pip (default: this version of threadgrader)")
    init.add_argument("--force", action="store_true", help="replace an existing workflow")
    add_course_option(init)
    init.set_defaults(func=cmd_classroom_init)
    report = verbs.add_parser("report", help="grade a repository and write its points to GITHUB_OUTPUT")
    report.add_argument("path", metavar="PATH", nargs="?", default=".",
                        help="the student repository to grade (default: the current folder)")
    report.add_argument("--seed", type=seed_value, default=None, metavar="S", help="make the run reproducible")
    add_limit_options(report)
    add_course_option(report)
    report.set_defaults(func=cmd_classroom_report)

    ci = subparsers.add_parser("ci", help="grade a large class in parallel shards on GitHub Actions or Slurm")
    verbs = ci.add_subparsers(dest="ci_command", metavar="ACTION", required=True)
    ci_init = verbs.add_parser("init", help="write a workflow that grades K shards at once and merges them",
                               description="Write .github/workflows/grade-class.yml into the course repository "
                                           "DIR (and, with --slurm, grade-array.sbatch and merge.sbatch).")
    ci_init.add_argument("dir", metavar="DIR", help="the course repository that holds the submissions folder")
    ci_init.add_argument("--shards", type=positive_int, required=True, metavar="K",
                         help="how many machines grade the class at once")
    ci_init.add_argument("--submissions", default="submissions", metavar="PATH",
                         help="the submissions folder, relative to DIR (default: submissions)")
    ci_init.add_argument("--package", default=None, metavar="SPEC",
                         help="what the workflow installs with pip (default: this version of threadgrader)")
    ci_init.add_argument("--python", default="3.11", metavar="VERSION", help="the Python the workflow sets up")
    ci_init.add_argument("--jobs", type=positive_int, default=2, metavar="N",
                         help="submissions each shard grades at once (default 2: a hosted runner's cores)")
    ci_init.add_argument("--minutes", type=positive_int, default=120, metavar="M",
                         help="time limit of one shard's job (default 120)")
    ci_init.add_argument("--slurm", action="store_true", help="also write Slurm scripts for an array job")
    ci_init.add_argument("--force", action="store_true", help="replace files that exist")
    ci_init.set_defaults(func=cmd_ci_init)

    release = subparsers.add_parser("release", help="build the student bundle (no hidden tests, no solutions)")
    release.add_argument("--out", required=True, metavar="DIR",
                         help="where the bundle goes: assignments/, wheels/ and a README for students")
    add_course_option(release)
    release.set_defaults(func=cmd_release)
