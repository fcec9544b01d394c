"""Grade a class too large for one machine on an engine that already spreads work: CI matrices and batch arrays.

``autograder ci init DIR --shards K`` writes, into the instructor's course repository ``DIR``,

* ``.github/workflows/grade-class.yml``: a GitHub Actions workflow (run by hand, from the Actions
  tab) whose matrix grades K shards of the class at once, each with ``autograder grade --shard k/K``
  and one shared seed, and whose final job merges the K outputs with ``autograder merge`` and
  uploads ``grades.csv``, ``report.html`` and every student's feedback as artifacts;
* with ``--slurm``, ``grade-array.sbatch`` and ``merge.sbatch``: the same shards as a Slurm array
  job, and the merge as a job that starts when the whole array has finished.

Every shard computes which students are its own from a stable hash of the folder name, so the
shards never overlap and together cover the class; ``merge`` refuses outputs graded with different
seeds or different versions of one submission.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

import autograder

WORKFLOW_PATH = Path(".github") / "workflows" / "grade-class.yml"
MAX_SHARDS = 256  # GitHub Actions runs at most 256 jobs of one matrix

WORKFLOW = """\
# Written by `autograder ci init`: grades the class in {submissions} in {shards} shards at once, then
# merges them. Run it from the Actions tab ("Grade the class" -> Run workflow).
name: Grade the class
'on':
  workflow_dispatch:
    inputs:
      seed:
        description: Grading seed (every shard must use the same one; empty = this run's id)
        required: false
        default: ''
permissions:
  contents: read
env:
  SEED: ${{{{ inputs.seed || github.run_id }}}}
jobs:
  grade:
    name: Grade shard ${{{{ matrix.shard }}}} of {shards}
    runs-on: ubuntu-latest
    timeout-minutes: {timeout}
    strategy:
      fail-fast: false
      matrix:
        shard: [{shard_list}]
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: '{python}'
      - name: Install the grader
        run: python -m pip install {package}
      - name: Grade this shard
        # as root, every submission runs as a fresh unprivileged user in private namespaces
        run: >-
          sudo "$(command -v autograder)" grade {submissions_q}
          --out "out-${{{{ matrix.shard }}}}" --shard "${{{{ matrix.shard }}}}/{shards}"
          --seed "$SEED" --jobs {jobs} --quiet
      - name: Keep this shard's output
        if: ${{{{ !cancelled() }}}}
        uses: actions/upload-artifact@v4
        with:
          name: shard-${{{{ matrix.shard }}}}
          path: out-${{{{ matrix.shard }}}}
          if-no-files-found: error
  merge:
    name: Merge the shards
    needs: grade
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-python@v5
        with:
          python-version: '{python}'
      - name: Install the grader
        run: python -m pip install {package}
      - uses: actions/download-artifact@v4
        with:
          pattern: shard-*
          path: shards
      - name: Merge
        run: autograder merge shards/shard-* --out graded
      - name: Publish grades and the class report
        uses: actions/upload-artifact@v4
        with:
          name: grades
          path: |
            graded/grades.csv
            graded/report.html
      - name: Publish every student's feedback
        uses: actions/upload-artifact@v4
        with:
          name: feedback
          path: graded
"""

SLURM_GRADE = """\
#!/bin/bash
# Written by `autograder ci init --slurm`: grades {submissions} in {shards} shards, one array task each.
# Submit both jobs (the merge waits for every shard):
#   jobid=$(sbatch --parsable grade-array.sbatch) && sbatch --dependency=afterok:$jobid merge.sbatch
#SBATCH --job-name=grade-class
#SBATCH --array=1-{shards}
#SBATCH --cpus-per-task={jobs}
#SBATCH --time={timeout}
#SBATCH --output=grade-%A_%a.log
set -euo pipefail
SEED=${{SEED:-{seed}}}   # every shard must use the same seed
autograder grade {submissions_q} --out "out-$SLURM_ARRAY_TASK_ID" --shard "$SLURM_ARRAY_TASK_ID/{shards}" \\
    --seed "$SEED" --jobs {jobs} --quiet
"""

SLURM_MERGE = """\
#!/bin/bash
# Written by `autograder ci init --slurm`: merges the {shards} shard outputs of grade-array.sbatch.
#SBATCH --job-name=merge-grades
#SBATCH --time=00:30:00
#SBATCH --output=merge-%j.log
set -euo pipefail
autograder merge {outputs} --out graded
"""


@dataclass(frozen=True)
class Plan:
    """What ``ci init`` writes: K shards of the class in SUBMISSIONS, each graded with ``jobs`` at once."""

    shards: int
    submissions: str = "submissions"
    package: str | None = None
    python: str = "3.11"
    jobs: int = 2
    minutes: int = 120
    seed: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.shards <= MAX_SHARDS:
            raise ValueError(f"--shards must be between 1 and {MAX_SHARDS}, not {self.shards}")
        if self.jobs < 1:
            raise ValueError(f"--jobs must be at least 1, not {self.jobs}")
        if not self.submissions.strip() or Path(self.submissions).is_absolute() or ".." in Path(self.submissions).parts:
            raise ValueError(f"--submissions must be a folder inside the repository, not {self.submissions!r}")

    @property
    def spec(self) -> str:
        return self.package or f"threadgrader=={autograder.__version__}"


def workflow_text(plan: Plan) -> str:
    package = "'" + plan.spec.replace("'", "''") + "'"
    return WORKFLOW.format(submissions=plan.submissions, submissions_q=shlex.quote(plan.submissions),
                           shards=plan.shards, shard_list=", ".join(str(k) for k in range(1, plan.shards + 1)),
                           python=plan.python, package=package, jobs=plan.jobs, timeout=plan.minutes)


def slurm_texts(plan: Plan) -> dict[str, str]:
    hours, minutes = divmod(plan.minutes, 60)
    grade = SLURM_GRADE.format(submissions=plan.submissions, submissions_q=shlex.quote(plan.submissions),
                               shards=plan.shards, jobs=plan.jobs, timeout=f"{hours:02d}:{minutes:02d}:00",
                               seed=plan.seed)
    outputs = " ".join(f"out-{k}" for k in range(1, plan.shards + 1))
    return {"grade-array.sbatch": grade, "merge.sbatch": SLURM_MERGE.format(shards=plan.shards, outputs=outputs)}


def init(folder: Path, plan: Plan, *, slurm: bool = False, force: bool = False) -> list[Path]:
    """Write the workflow (and the Slurm scripts) into ``folder``; returns the files written."""
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder")
    files = {folder / WORKFLOW_PATH: workflow_text(plan)}
    if slurm:
        files.update({folder / name: text for name, text in slurm_texts(plan).items()})
    existing = [str(path) for path in files if path.exists()]
    if existing and not force:
        raise FileExistsError(f"{existing[0]} already exists (pass --force to replace it)")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if path.suffix == ".sbatch":
            path.chmod(0o755)
    return list(files)
