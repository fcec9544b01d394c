"""Gradescope: build the autograder zip, and grade one submission the way Gradescope runs it.

The zip holds ``setup.sh`` (installs the grader's wheel, with its hidden suites, using plain
``pip install``) and ``run_autograder`` (grades ``$ROOT/submission`` and writes
``$ROOT/results/results.json``). ``ROOT`` is ``$GRADESCOPE_ROOT``, by default ``/autograder``,
so the same script can be tried outside Gradescope's container.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path

from autograder.course import COURSE_FILE, Course
from autograder.grading import catalog as catalog_mod
from autograder.grading import export, sandbox
from autograder.grading.discover import find_files
from autograder.grading.grader import grade_submission, resolve_seed_for_single

from .wheel import FIXED_TIME, build_wheel

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, when the autograder image is built.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v python3 >/dev/null; then
    apt-get update && apt-get install -y python3 python3-pip
fi
python3 -m pip install --upgrade pip
python3 -m pip install ./{wheel}
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission. GRADESCOPE_ROOT (default /autograder) lets you try it
# anywhere: put a submission in $GRADESCOPE_ROOT/submission and read $GRADESCOPE_ROOT/results/results.json.
set -uo pipefail
ROOT="${{GRADESCOPE_ROOT:-/autograder}}"
mkdir -p "$ROOT/results"
autograder gradescope run --root "$ROOT"{seed}{course}
"""

COURSE_IN_ZIP = "course"  # a course folder's exercises and course.toml (never its solutions or samples)


def course_files(course: Course) -> dict[str, bytes]:
    """What of a course folder the autograder needs: course.toml and exercises/ (declarations, suites)."""
    files: dict[str, bytes] = {}
    toml = course.root / COURSE_FILE
    if toml.is_file():
        files[f"{COURSE_IN_ZIP}/{COURSE_FILE}"] = toml.read_bytes()
    root = course.root / "exercises"
    for path in sorted(root.rglob("*")) if root.is_dir() else []:
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            files[f"{COURSE_IN_ZIP}/exercises/{path.relative_to(root).as_posix()}"] = path.read_bytes()
    return files


def build_zip(out: Path, *, seed: int | None = None, course: Course | None = None) -> Path:
    """Write the Gradescope autograder zip to ``out`` (with the course folder's suites, if one is in use).

    Gradescope unpacks the zip into ``$ROOT/source``; ``run_autograder`` grades with ``--course
    $ROOT/source/course`` when the zip carries a course.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        wheel = build_wheel(Path(tmp), include_hidden=True)
        files = {
            "setup.sh": SETUP_SH.format(wheel=wheel.name).encode(),
            "run_autograder": RUN_AUTOGRADER.format(
                seed=f" --seed {seed}" if seed is not None else "",
                course=f' --course "$ROOT/source/{COURSE_IN_ZIP}"' if course is not None else "").encode(),
            wheel.name: wheel.read_bytes(),
            **(course_files(course) if course is not None else {}),
        }
        tmp_zip = out.with_name(out.name + ".tmp")
        with zipfile.ZipFile(tmp_zip, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                entry = zipfile.ZipInfo(name, date_time=FIXED_TIME)
                entry.external_attr = (0o755 if name in ("setup.sh", "run_autograder") else 0o644) << 16
                entry.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(entry, data)
        tmp_zip.replace(out)
    return out


def run(root: Path, *, seed: int | None = None, limits: sandbox.Limits = sandbox.DEFAULT_LIMITS) -> Path:
    """Grade ``root/submission`` as one student and write ``root/results/results.json``."""
    submission = root / "submission"
    results_path = root / "results" / "results.json"
    exercises = catalog_mod.available_exercises(hidden=True)
    if not submission.is_dir():
        data = {"score": 0, "output": f"No submission folder was found at {submission}.", "tests": []}
        export.write_atomic(results_path, json.dumps(data, indent=2) + "\n")
        return results_path
    catalogs = catalog_mod.collect(exercises, hidden=True)
    files = find_files("submission", submission)
    result = grade_submission(files, catalogs, seed=resolve_seed_for_single(seed), limits=limits)
    export.write_atomic(results_path, json.dumps(export.gradescope_results(result), indent=2) + "\n")
    return results_path
