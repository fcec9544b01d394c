"""The hostile group's verdicts and grading time, through the real command line.

    python benchmarks/hostile.py [--seeds 1,2,3] [--jobs 2]

Grades tests/grading/hostile/attacks (each attack on top of a racy counter), that racy counter alone
(``baseline``) and the reference solution, once per seed, and prints per attack whether the grader
got it right: no more points than the baseline, flagged as tampering in grades.csv, and no line of
a hidden suite or a solution in any output file. Then right/total and the wall time per run.
"""

from __future__ import annotations

import argparse
import csv
import html
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.grading import catalog as catalog_mod  # noqa: E402
from autograder.grading import guard_leaks  # noqa: E402
from tests.grading.test_hostile import UNREFUSED, attack_names, build_class  # noqa: E402


def verdicts(out: Path, secrets: set[str]) -> dict[str, tuple[bool, str]]:
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    baseline = float(rows["baseline"]["counter"])
    found = {}
    for name in attack_names():
        row = rows[name]
        why = []
        if float(row["counter"]) > baseline:
            why.append(f"earned {row['counter']} > baseline {baseline:g}")
        if "tampering" not in row["flags"] and not (name in UNREFUSED and "review" in row["flags"]):
            why.append("not flagged")
        for file in ("feedback.md", "feedback.html", "results.json"):
            text = html.unescape((out / name / file).read_text(encoding="utf-8")).replace("\\n", "\n")
            lines = {guard_leaks.normalize(line).strip("'\"`,") for line in text.splitlines()}
            if secrets & lines:
                why.append(f"leaked into {file}")
        found[name] = (not why, "; ".join(why) or f"{row['counter']} points, flagged")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    catalogs = catalog_mod.collect(catalog_mod.available_exercises(hidden=True), hidden=True)
    leaks = guard_leaks.leak_filter([c.suite for c in catalogs.values()])
    secrets = {line for line in leaks.secret if len(line) >= 25}
    right = total = 0
    times = []
    for seed in [int(s) for s in args.seeds.split(",")]:
        with tempfile.TemporaryDirectory(prefix="hostile-bench-") as tmp:
            subs = build_class(Path(tmp) / "subs")
            out = Path(tmp) / "out"
            started = time.monotonic()
            done = subprocess.run([sys.executable, "-m", "autograder.cli", "grade", str(subs), "--out", str(out),
                                   "--seed", str(seed), "--jobs", str(args.jobs), "--quiet"],
                                  capture_output=True, text=True)
            times.append(time.monotonic() - started)
            if done.returncode != 0:
                print(done.stderr)
                return 1
            for name, (ok, why) in sorted(verdicts(out, secrets).items()):
                right += ok
                total += 1
                print(f"seed {seed:>3}  {name:<22} {'right' if ok else 'WRONG'}  {why}")
    students = len(attack_names()) + 2
    print(f"\nverdicts right: {right}/{total}; grading {students} submissions took "
          + ", ".join(f"{t:.1f} s" for t in times) + " (one run per seed)")
    return 0 if right == total else 1


if __name__ == "__main__":
    raise SystemExit(main())
