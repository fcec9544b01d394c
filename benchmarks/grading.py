"""Grading throughput: 100 full submissions (right and wrong samples mixed) with --jobs 2.

    python benchmarks/grading.py [--students 100] [--jobs 2]

Builds the class (every student hands in every gradable exercise, drawn from the zoo of right and
wrong samples, or from the solution, the starter and a lock-less mutant when the zoo is absent),
runs `autograder grade` on it through the real command line, and prints the wall time and
submissions per minute, and the CPU time of the whole grading process tree per submission (which,
unlike the wall time, does not depend on what else shares the machine: on 2 otherwise idle cores
with --jobs 2, 120 / CPU seconds per submission bounds the submissions per minute).
The issue's target: 100 submissions in at most 5 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.exercises import EXERCISES
from autograder.grading.catalog import available_exercises
from autograder.grading.samples import samples


def build(folder: Path, students: int, seed: int, only: list[str]) -> dict[str, int]:
    rng = random.Random(seed)
    pools = {e.name: samples(e) for e in available_exercises(hidden=True) if not only or e.name in only}
    counts = {"right": 0, "wrong": 0}
    for i in range(students):
        student = folder / f"student-{i:03d}"
        student.mkdir(parents=True)
        for name, pool in pools.items():
            kind = "right" if (rng.random() < 0.5 and pool["right"]) or not pool["wrong"] else "wrong"
            _, source = rng.choice(pool[kind])
            (student / EXERCISES[name].file_name).write_text(source, encoding="utf-8")
            counts[kind] += 1
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--exercises", default="", metavar="A,B,...",
                        help="hand in only these exercises (default: every gradable one); "
                             "counter,file_writer,vending_machine,prime_checker compares with the four-exercise figure")
    args = parser.parse_args()
    only = [name.strip() for name in args.exercises.split(",") if name.strip()]
    unknown = [name for name in only if name not in EXERCISES]
    if unknown:
        parser.error(f"no exercise called {unknown[0]!r}: choose from {', '.join(EXERCISES)}")
    with tempfile.TemporaryDirectory(prefix="grading-bench-") as tmp:
        subs, out = Path(tmp) / "subs", Path(tmp) / "out"
        counts = build(subs, args.students, args.seed, only)
        exercises = [e.name for e in available_exercises(hidden=True) if not only or e.name in only]
        started = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run([sys.executable, "-m", "autograder.cli", "grade", str(subs), "--out", str(out),
                               "--jobs", str(args.jobs), "--seed", str(args.seed), "--quiet"],
                              capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return 1
        with open(out / "grades.csv", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    per_minute = args.students / elapsed * 60
    result = {
        "students": args.students, "jobs": args.jobs, "exercises": exercises, "samples": counts,
        "graded_rows": len(rows), "seconds": round(elapsed, 1), "submissions_per_minute": round(per_minute, 1),
        "within_target": elapsed <= 300, "cpu_seconds_per_submission": round(cpu / args.students, 2),
    }
    print(json.dumps(result, indent=2))
    print(f"{args.students} submissions ({', '.join(exercises)}) graded with --jobs {args.jobs} in {elapsed:.0f} s: "
          f"{per_minute:.0f} submissions per minute; {cpu / args.students:.2f} CPU seconds per submission")
    return 0 if len(rows) == args.students else 1


if __name__ == "__main__":
    sys.exit(main())
