"""What shrinking a failure costs, and what it buys: schedules run against preemptions left.

    python benchmarks/shrinking.py                       # the engine's budgets
    python benchmarks/shrinking.py --budgets 60,80,60,160 --budgets 25,25,30,160

Runs every hidden suite on every wrong sample of the zoo (seed 1, in this process, the way
``autograder validate`` does), and counts, for each failure the engine shrank, the schedules each
shrinking pass ran and the preemptions of the schedule finally shown to the student. A budget is
``K1,K2,PCT,DDMIN``: random schedules with exactly one and two forced switches, schedules at low PCT
depths, and schedules for deleting and retargeting switches (``autograder.race.shrink``). Fewer
schedules for the same preemptions shown is a cheaper grade with the same feedback; the verdicts
do not depend on shrinking at all.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import io
import json
import sys
import tempfile
import time
from pathlib import Path

from autograder.exercises import EXERCISES
from autograder.grading import validate
from autograder.grading.catalog import available_exercises
from autograder.grading.samples import samples
from autograder.race import shrink as shrink_mod


def measure(exercises: list[str], budget: tuple[int, int, int, int] | None) -> dict:
    saved = (dict(shrink_mod.BOUNDED_TRIES), shrink_mod.PCT_SHRINK_BUDGET, shrink_mod.DDMIN_BUDGET)
    if budget is not None:
        shrink_mod.BOUNDED_TRIES = {1: budget[0], 2: budget[1]}
        shrink_mod.PCT_SHRINK_BUDGET, shrink_mod.DDMIN_BUDGET = budget[2], budget[3]
    runs: collections.Counter[str] = collections.Counter()
    shown: collections.Counter[int] = collections.Counter()
    original_try, original_shrink = shrink_mod.Shrinker._try, shrink_mod.Shrinker.shrink

    def counted_try(self: shrink_mod.Shrinker, candidate: shrink_mod.Candidate) -> shrink_mod.Attempt:
        runs[self.passes_run[-1] if self.passes_run else "?"] += 1
        return original_try(self, candidate)

    def counted_shrink(self: shrink_mod.Shrinker) -> shrink_mod.Attempt:
        best = original_shrink(self)
        shown[best.preemptions] += 1
        return best

    shrink_mod.Shrinker._try, shrink_mod.Shrinker.shrink = counted_try, counted_shrink
    started = time.process_time()
    try:
        for name in exercises:
            exercise = EXERCISES[name]
            for _, source in samples(exercise)["wrong"]:
                folder = Path(tempfile.mkdtemp(prefix="shrink-bench-"))
                (folder / exercise.file_name).write_text(source, encoding="utf-8")
                with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                    validate.run_suite(exercise, folder, 1)
    finally:
        shrink_mod.Shrinker._try, shrink_mod.Shrinker.shrink = original_try, original_shrink
        shrink_mod.BOUNDED_TRIES, shrink_mod.PCT_SHRINK_BUDGET, shrink_mod.DDMIN_BUDGET = saved
    total = sum(shown.values())
    return {
        "budget": list(budget) if budget else [saved[0][1], saved[0][2], saved[1], saved[2]],
        "failures_shrunk": total,
        "schedules_run_shrinking": sum(runs.values()),
        "schedules_by_pass": dict(runs),
        "preemptions_shown": {str(k): shown[k] for k in sorted(shown)},
        "shown_with_at_most_2": round(sum(v for k, v in shown.items() if k <= 2) / max(total, 1), 3),
        "cpu_seconds_all_suites": round(time.process_time() - started, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budgets", action="append", default=[], metavar="K1,K2,PCT,DDMIN",
                        help="a shrinking budget to measure (repeat to compare); default: the engine's own")
    parser.add_argument("--exercises", default="counter,file_writer,vending_machine,prime_checker",
                        metavar="A,B,...", help="the exercises whose wrong samples to grade")
    args = parser.parse_args()
    exercises = [n.strip() for n in args.exercises.split(",") if n.strip()]
    known = {e.name for e in available_exercises(hidden=True)}
    for name in exercises:
        if name not in known:
            parser.error(f"no gradable exercise called {name!r}: choose from {', '.join(sorted(known))}")
    budgets: list[tuple[int, int, int, int] | None] = []
    for text in args.budgets or [None]:
        if text is None:
            budgets.append(None)
            continue
        try:
            values = tuple(int(part) for part in text.split(","))
        except ValueError:
            values = ()
        if len(values) != 4 or min(values) < 0:
            parser.error(f"a budget is four whole numbers K1,K2,PCT,DDMIN, not {text!r}")
        budgets.append(values)  # type: ignore[arg-type]
    for budget in budgets:
        print(json.dumps(measure(exercises, budget)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
