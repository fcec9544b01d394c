"""Which tests run in which child: a fresh child after a hang or a crash, time budgets, giving up."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from .. import protocol
from ..protocol import Cause, Reason, Status
from .plan import DEFAULT_LIMITS, Limits, PlannedTest, SandboxError, Verdict
from .process import ChildRun, run_child


def run_tests(
    files: dict[str, Path],
    plan: list[PlannedTest],
    *,
    seed: int,
    replay: str,
    limits: Limits = DEFAULT_LIMITS,
    cancel: threading.Event | None = None,
    protect: Sequence[Path] = (),
    cpu: int | None = None,
) -> dict[tuple[str, str], Verdict]:
    """Run ``plan`` against the student's ``files``; one :class:`Verdict` per planned test.

    ``replay`` is the plugin's ``--ag-replay`` template ({seed}, {test}, {file}, {module}).
    ``protect`` names folders student code must not see (the grader's OUT, the other submissions):
    where the child has a private view they are hidden, elsewhere file permissions protect them.
    ``cpu`` pins the child (every thread it starts) to one CPU: the grader gives each of its --jobs
    workers its own, so that side-by-side children never share one while another idles.
    """
    verdicts: dict[tuple[str, str], Verdict] = {}
    pending = list(plan)
    spent: dict[str, float] = {}
    children = 0
    fruitless = 0
    while pending:
        if cancel is not None and cancel.is_set():
            raise KeyboardInterrupt
        # an exercise whose time is used up loses the tests it has not run
        for test in list(pending):
            if spent.get(test.exercise, 0.0) >= limits.exercise_seconds:
                verdicts[test.key] = Verdict(test, Status.TIMEOUT, reason=Reason(Cause.EXERCISE_BUDGET))
                pending.remove(test)
        if not pending:
            break
        if children >= limits.max_children or fruitless >= 2:
            for test in pending:
                verdicts[test.key] = Verdict(test, Status.ERROR, reason=Reason(Cause.GAVE_UP))
            break
        children += 1
        run = run_child(files, pending, seed=seed, replay=replay, limits=limits, spent=spent, cancel=cancel,
                         protect=protect, cpu=cpu)
        progress = False
        by_key = {t.key: t for t in pending}
        for key, (record, tampered, duration) in run.records.items():
            test = by_key.get(key)
            if test is None or key in verdicts:
                continue
            progress = True
            if tampered:
                verdicts[key] = Verdict(test, Status.TAMPERED, record=record,
                                        reason=Reason(Cause.CHANGED, ", ".join(tampered)), duration=duration)
            elif record is None:
                verdicts[key] = Verdict(test, Status.ERROR, reason=Reason(Cause.NO_RECORD), duration=duration)
            else:
                verdicts[key] = Verdict(test, Status.parse(record.get("status", "error")), record=record,
                                        duration=duration)
        for key, (record, tampered, _) in run.records.items():
            test = by_key.get(key)
            if test is not None and record is not None and record.get("whole_exercise") and not tampered:
                # its module started a thread on import that kept running (the child then ends): every other
                # test of the exercise would import it again and end another child the same way
                for other in pending:
                    if other.exercise == test.exercise and other.key not in verdicts:
                        verdicts[other.key] = Verdict(other, Status.FAILED, record={
                            "status": "failed", "feedback": str(record.get("feedback") or "")})
        if run.begun is not None and run.begun not in verdicts and run.begun in by_key:
            progress = True
            status, reason = _cause(run)
            elapsed = max(0.0, time.monotonic() - run.begun_at) if run.begun_at else 0.0
            test = by_key[run.begun]
            verdicts[test.key] = Verdict(test, status, reason=reason, duration=elapsed)
            if run.phase == "setup" and run.killed_for != "exercise-timeout":
                # the student's module could not even be imported: every test of it would do the same
                _rest_of_exercise(test.exercise, pending, verdicts, status, reason.importing())
            if run.killed_for == "exercise-timeout":
                _rest_of_exercise(test.exercise, pending, verdicts, Status.TIMEOUT, Reason(Cause.EXERCISE_BUDGET))
        # an exercise whose code changed the grader's would change it again in every test that imports
        # it: its remaining tests are not run (each would end its process), and earn nothing either
        for key, (_, tampered, _) in run.records.items():
            test = by_key.get(key)
            if test is None or not tampered or run.returncode != protocol.TAMPERED_EXIT:
                continue  # (a refused request alone, the process still trusted, costs only its test)
            _rest_of_exercise(test.exercise, pending, verdicts, Status.TAMPERED,
                              Reason(Cause.CHANGED, ", ".join(tampered)))
        if run.tampered_at_end:
            for key, verdict in list(verdicts.items()):
                if verdict.status == Status.PASSED and key in run.records:
                    verdicts[key] = Verdict(verdict.test, Status.TAMPERED, record=verdict.record,
                                            reason=Reason(Cause.CHANGED, ", ".join(run.tampered_at_end)))
        if run.collected:
            collected = set(run.collected)
            for test in pending:
                if test.key not in verdicts and test.key not in collected:
                    verdicts[test.key] = Verdict(test, Status.ERROR, reason=Reason(Cause.NOT_COLLECTED))
        fruitless = 0 if progress else fruitless + 1
        if not progress and run.error_text and fruitless >= 2:
            raise SandboxError(run.error_text)
        pending = [t for t in pending if t.key not in verdicts]
    return verdicts


def _rest_of_exercise(exercise: str, pending: list[PlannedTest], verdicts: dict[tuple[str, str], Verdict],
                      status: Status, reason: Reason) -> None:
    """Give every test of ``exercise`` still without a verdict this one, without running it."""
    for other in pending:
        if other.exercise == exercise and other.key not in verdicts:
            verdicts[other.key] = Verdict(other, status, reason=reason)


def _cause(run: ChildRun) -> tuple[Status, Reason]:
    if run.killed_for == "test-timeout":
        return Status.TIMEOUT, Reason(Cause.TEST_TIMEOUT)
    if run.killed_for == "exercise-timeout":
        return Status.TIMEOUT, Reason(Cause.EXERCISE_TIMEOUT)
    if run.killed_for == "channel":
        return Status.TAMPERED, Reason(Cause.CHANNEL)
    code = run.returncode
    if code is None:
        return Status.CRASHED, Reason(Cause.UNKNOWN)
    if code == protocol.TAMPERED_EXIT:
        return Status.TAMPERED, Reason(Cause.TAMPERED_EXIT)
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return Status.CRASHED, Reason(Cause.SIGNAL, name)
    return Status.CRASHED, Reason(Cause.EXIT, str(code))

