"""The grader's self-test: before it grades anyone, it proves it can run its own suites.

A broken installation (the grading process importing one copy of the package while its children
import another, a sandbox that cannot start Python, a plugin that does not load) would otherwise
end every test of every student as "could not run" and publish a class of zeros. :func:`run_canary`
grades a tiny built-in submission through exactly the path students' code takes (the sandbox, the
child, the plugin, the race engine) and checks that the child runs this very grader. When it
cannot, grading stops before any grade is written.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from .. import sandbox

SUITE = Path(__file__).resolve().parent / "canary_tests.py"
STUDENT_FILE = "canary.py"


class GraderFault(RuntimeError):
    """The grader itself cannot run: nothing it would publish could be trusted."""


def run_canary(version: str, *, seed: int = 1, limits: sandbox.Limits = sandbox.DEFAULT_LIMITS) -> None:
    """Grade the built-in canary submission; :class:`GraderFault` with the reason when it does not pass."""
    with tempfile.TemporaryDirectory(prefix="autograder-canary-") as folder:
        source = Path(folder) / STUDENT_FILE
        source.write_text(f"GRADER_VERSION = {version!r}\n", encoding="utf-8")
        plan = [sandbox.PlannedTest("canary", SUITE, name) for name in ("test_the_child_runs_this_grader",
                                                                         "test_the_engine_controls_threads")]
        try:
            verdicts = sandbox.run_tests({STUDENT_FILE: source}, plan, seed=seed, replay="",
                                         limits=limits)
        except sandbox.SandboxError as exc:
            detail = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            raise GraderFault(f"the sandbox could not start a child ({detail})") from None
    for test in plan:
        verdict = verdicts.get(test.key)
        if verdict is None or verdict.status != "passed":
            status = verdict.status if verdict is not None else "no verdict"
            feedback = ""
            if verdict is not None and verdict.record:
                feedback = str(verdict.record.get("feedback") or "").strip().splitlines()[0:1]
                feedback = f": {feedback[0]}" if feedback else ""
            why = str(verdict.reason) if verdict is not None else ""
            reason = f" ({why})" if why and why != "unknown" else ""
            raise GraderFault(f"its self-test {test.name} ended {status}{reason}{feedback}")
