"""``autograder demo``: a small made-up class, graded end to end, to show what the grader produces.

Student names come from Faker (seeded, so the class is the same every time); each student hands in
a right or a wrong sample of every exercise, sometimes none at all.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from faker import Faker

from autograder.exercises import EXERCISES

from .catalog import available_exercises
from .samples import samples


def folder_name(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def build_class(folder: Path, *, students: int = 8, seed: int = 2024, nested: bool = True) -> dict[str, dict[str, str]]:
    """Write ``students`` submission folders into ``folder``; returns student -> exercise -> sample label."""
    rng = random.Random(seed)
    fake = Faker()
    fake.seed_instance(seed)
    gradable = {e.name for e in available_exercises(hidden=True)}
    pools = {name: samples(EXERCISES[name]) for name in EXERCISES if name in gradable}
    plan: dict[str, dict[str, str]] = {}
    names: set[str] = set()
    while len(names) < students:
        names.add(folder_name(f"{fake.first_name()} {fake.last_name()}"))
    for index, student in enumerate(sorted(names)):
        base = folder / student
        if nested and index % 2:  # like a GitHub Classroom clone: files one level down
            base = base / f"threads-{student}"
        base.mkdir(parents=True, exist_ok=True)
        chosen: dict[str, str] = {}
        for name, pool in pools.items():
            roll = rng.random()
            if roll < 0.08 or not (pool["right"] or pool["wrong"]):
                chosen[name] = "missing"
                continue
            kind = "right" if (roll < 0.55 and pool["right"]) or not pool["wrong"] else "wrong"
            label, source = rng.choice(pool[kind])
            (base / EXERCISES[name].file_name).write_text(source, encoding="utf-8")
            chosen[name] = f"{kind}: {label}"
        plan[student] = chosen
    return plan
