"""How long the hidden suites take on the reference solutions, and how soon they catch the zoo's mistakes.

    python benchmarks/suites.py [--reps 5]                 # suite times (a Markdown table)
    python benchmarks/suites.py --detection 100            # + schedules each wrong sample needs

Suite times: each hidden suite runs on its reference solution the way the grader runs it, in a
fresh process (``python -m pytest <suite> --ag-submission DIR --assert=plain``), once per seed
1..reps; then all four suites in one process, the same way. The table gives the median and the
slowest wall time of the whole process (interpreter and pytest start-up included), and the median
time spent inside the tests themselves (the sum of the test durations pytest reports).

Detection (``--detection N``): for each wrong sample of the zoo and each hidden test aimed at its
mistake (``tests/exercises/zoo/<exercise>/manifest.json``), over base seeds 1..N, how many
schedules the test explored before it failed, with up to ``--cap`` schedules per check instead of
the suite's own budget: the largest and the 90th percentile, next to the budget the suite gives
that check. "0" means the test failed without exploring (a one-thread check). A sample that
passed within the cap counts as escaped.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.exercises import EXERCISES  # noqa: E402


def run_suites(suites: list[Path], folder: Path, seed: int, scratch: Path) -> tuple[float, float, int, int]:
    """One pytest process: (wall seconds, seconds inside tests, points, max points)."""
    results = scratch / "results.json"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--assert=plain",
               *map(str, suites), "--ag-submission", str(folder), "--ag-seed", str(seed),
               "--ag-results", str(results)]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=scratch, capture_output=True, text=True)
    wall = time.perf_counter() - started
    data = json.loads(results.read_text(encoding="utf-8"))
    tests = data["tests"]
    if done.returncode != 0:
        print(done.stdout[-3000:], file=sys.stderr)
    return (wall, sum(t["duration"] for t in tests), sum(t["points"] for t in tests),
            sum(t["max_points"] for t in tests))


def suite_times(reps: int) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="ag-bench-"))
    folder = scratch / "solutions"
    folder.mkdir()
    for exercise in EXERCISES.values():
        shutil.copyfile(exercise.solution, folder / exercise.file_name)
    rows = [(name, [exercise.hidden_suite]) for name, exercise in EXERCISES.items()]
    rows.append((f"all {len(EXERCISES)} together", [e.hidden_suite for e in EXERCISES.values()]))
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {reps} runs each (seeds 1..{reps})\n")
    print("| suite | median wall | slowest wall | median inside tests | points |")
    print("| --- | --- | --- | --- | --- |")
    for name, suites in rows:
        walls, inside, scores = [], [], set()
        for seed in range(1, reps + 1):
            wall, tests, points, most = run_suites(suites, folder, seed, scratch)
            walls.append(wall)
            inside.append(tests)
            scores.add(f"{points}/{most}")
        print(f"| {name} | {statistics.median(walls):.2f} s | {max(walls):.2f} s | "
              f"{statistics.median(inside):.2f} s | {', '.join(sorted(scores))} |")
    shutil.rmtree(scratch, ignore_errors=True)


def detection(seeds: int, cap: int) -> None:
    import autograder.race
    from autograder.grading.validate import run_suite, stage

    original = autograder.race.explore
    log: list[tuple[int, int, bool]] = []  # (budget, schedules run, passed) per explore call

    def capped(fn, *, runs=500, **kwargs):
        kwargs["shrink"] = False
        outcome = original(fn, runs=cap if runs > 1 else 1, **kwargs)
        log.append((runs, outcome.runs, outcome.ok))
        return outcome

    autograder.race.explore = capped
    scratch = Path(tempfile.mkdtemp(prefix="ag-detect-"))
    print(f"\nSchedules before the aimed test failed, over seeds 1..{seeds} (cap {cap} per check)\n")
    print("| exercise | wrong sample | aimed test | budget | max | p90 | escaped |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    try:
        for name in EXERCISES:
            zoo = EXERCISES[name].samples_dir
            if zoo is None:
                continue
            manifest = json.loads((zoo / "manifest.json").read_text(encoding="utf-8"))
            for sample, aimed in manifest["wrong"].items():
                folder = stage(zoo / "wrong" / f"{sample}.py", name, scratch / name / sample)
                for test in aimed:
                    needed, escaped, budgets = [], 0, set()
                    for seed in range(1, seeds + 1):
                        log.clear()
                        result = run_suite(name, folder, seed, only=[test], scratch=scratch)[test]
                        failing = [(budget, ran) for budget, ran, ok in log if not ok]
                        budgets.update(budget for budget, _, _ in log)
                        if result.passed:
                            escaped += 1
                        else:
                            needed.append(failing[-1][1] if failing else 0)
                    needed.sort()
                    p90 = needed[max(0, int(len(needed) * 0.9) - 1)] if needed else "-"
                    budget = "/".join(str(b) for b in sorted(budgets)) or "-"
                    print(f"| {name} | {sample} | {test} | {budget} | {max(needed) if needed else '-'} | {p90} | "
                          f"{escaped} |", flush=True)
    finally:
        autograder.race.explore = original
        shutil.rmtree(scratch, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5, help="runs of each suite (seeds 1..reps)")
    parser.add_argument("--detection", type=int, default=0, metavar="SEEDS",
                        help="also measure how soon each wrong sample is caught, over this many seeds")
    parser.add_argument("--cap", type=int, default=300, help="schedules per check when measuring detection")
    args = parser.parse_args()
    if args.reps:
        suite_times(args.reps)
    if args.detection:
        detection(args.detection, args.cap)


if __name__ == "__main__":
    main()
