"""Grade one submission, or a whole class in parallel, into the result model.

:func:`grade_submission` runs every available exercise's hidden suite against one student's files
in the sandbox and builds a :class:`~autograder.grading.model.SubmissionResult`. :func:`grade_class`
grades a folder of students with ``jobs`` at once, resumes from the gradebook in OUT, shows a
progress bar and writes every output through :mod:`autograder.grading.export`.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import autograder
from autograder.race.placement import pinnable_cpus

from . import catalog as catalog_mod
from . import export, guard_leaks, guard_screen, sandbox
from .canary import run_canary
from .discover import Skipped, StudentFiles, discover, in_shard
from .gradebook import Gradebook
from .model import ExerciseResult, SubmissionResult, TestResult, format_points
from .protocol import Cause, ExerciseStatus, Reason, Status

PACKAGE_DIR = Path(autograder.__file__).resolve().parent
HIDDEN_REPLAY = "autograder check {module} {module}.py --hidden --seed {seed} --test {test}"

_version_cache: dict[str, str] = {}


def grader_version() -> str:
    """``__version__`` plus a digest of the grader's own code and suites: any change re-grades."""
    if "v" not in _version_cache:
        digest = hashlib.sha256()
        for path in sorted(PACKAGE_DIR.rglob("*")):
            if path.suffix in (".py", ".j2", ".html", ".css") and "__pycache__" not in path.parts:
                digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
                digest.update(path.read_bytes())
        _version_cache["v"] = f"{autograder.__version__}+{digest.hexdigest()[:12]}"
    return _version_cache["v"]


# ------------------------------------------------------------------------------ one submission


def _clean_paths(text: str) -> str:
    """Paths inside the grader's installation, shown relative to it."""
    return text.replace(str(PACKAGE_DIR.parent) + os.sep, "")


_SCRATCH = re.compile(r"/[^\s'\"]*/autograder-[A-Za-z0-9_]+/work/?")


def _scrub(value: Any) -> Any:
    """Remove the scratch folder's (random) path from anything the child reported."""
    if isinstance(value, str):
        return _clean_paths(_SCRATCH.sub("", value))
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, tuple):
        return [_scrub(v) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items()}
    return value


_OUTCOME_KEYS = ("ok", "kind", "seed", "message", "strategy", "preemptions", "steps", "controlled", "tampered",
                 "notes", "trace", "threads", "exception_type", "where")


def _student_outcome(outcome: Any) -> dict[str, Any] | None:
    if not isinstance(outcome, dict):
        return None
    return _scrub({k: outcome.get(k) for k in _OUTCOME_KEYS if k in outcome})


def explain(verdict: sandbox.Verdict, file_name: str, limits: sandbox.Limits) -> str:
    """Student-facing words for a test that left no verdict of its own (hang, crash, tampering)."""
    reason = verdict.reason
    cause = reason.cause
    importing = reason.during_import
    if verdict.status == Status.TIMEOUT:
        if cause == Cause.EXERCISE_BUDGET:
            return (f"This exercise used up its time limit ({limits.exercise_seconds:g} seconds for all its tests) "
                    "before this test could finish, so it earns no points.")
        if importing:
            return (f"Importing {file_name} did not finish within {limits.test_seconds:g} seconds, so it was "
                    "stopped, and every test of this exercise needs it. Code at the top level of your file "
                    "should only define things: look for an endless loop, a wait or a sleep there.")
        return (f"This test did not finish within {limits.test_seconds:g} seconds, so it was stopped. Your code "
                "probably hangs: an endless loop, a deadlock (threads waiting for each other), or a wait "
                "that nothing ends.")
    if verdict.status == Status.CRASHED:
        during = f"while {file_name} was being imported" if importing else "while this test ran"
        if cause == Cause.EXIT:
            return (f"The test process ended {during}: your code called os._exit() (or exited some other way "
                    f"that skips clean-up; status {reason.detail}). Never end the process from library code.")
        causes = {
            "SIGXCPU": "your code used more than its CPU-time limit (an endless computation?)",
            "SIGXFSZ": f"your code printed or wrote more than {limits.output_bytes // sandbox.MiB} MB",
            "SIGKILL": "the process was killed, most likely for using too much memory",
            "SIGSEGV": "Python itself crashed (a segmentation fault)",
            "SIGABRT": "Python itself aborted",
            "SIGBUS": "Python itself crashed (a bus error)",
        }
        name = reason.detail if cause == Cause.SIGNAL else cause.value
        cause_text = causes.get(name, f"it was ended by {name}")
        return f"The test process died {during}: {cause_text}."
    if verdict.status == Status.TAMPERED:
        what = reason.detail if cause == Cause.CHANGED else "the grader's results channel"
        return (f"Your code reached into the grader or changed part of it, and the grader refused or caught it: "
                f"{what}. Code under test may not touch the grader's memory, call stack, tracing, files or "
                "results, so a test where that happens earns no points and your instructor is told. "
                "Test your code; don't patch the tests.")
    if cause == Cause.NOT_COLLECTED:
        return "This test was not found when the suite was collected: tell your instructor."
    return "The grader could not run this test (it gave up after several attempts): tell your instructor."


def grade_submission(
    files: StudentFiles,
    catalogs: dict[str, catalog_mod.SuiteCatalog],
    *,
    seed: int,
    limits: sandbox.Limits = sandbox.DEFAULT_LIMITS,
    replay: str = HIDDEN_REPLAY,
    cancel: threading.Event | None = None,
    protect: tuple[Path, ...] = (),
    cpu: int | None = None,
) -> SubmissionResult:
    """Run every suite in ``catalogs`` against one student's files (in the sandbox).

    ``protect``: folders the student's code must not see (OUT, the other submissions).
    ``cpu``: the CPU the child runs on (see :func:`worker_cpus`), or None to leave it to the kernel.
    """
    started = time.monotonic()
    plan: list[sandbox.PlannedTest] = []
    copies: dict[str, Path] = {}
    for name, cat in catalogs.items():
        path = files.exercises.get(name)
        if path is None:
            continue
        copies[cat.exercise.file_name] = path
        plan.extend(sandbox.PlannedTest(name, cat.suite, t.name) for t in cat.tests)
    if copies:
        for helper, path in files.helpers.items():
            copies.setdefault(helper, path)
    verdicts = sandbox.run_tests(copies, plan, seed=seed, replay=replay, limits=limits, cancel=cancel,
                                 protect=protect, cpu=cpu) if plan else {}
    leaks = guard_leaks.leak_filter([cat.suite for cat in catalogs.values()]).allowing(_texts(copies))
    flags: list[str] = []
    findings = guard_screen.screen_files(copies)
    exercises = []
    for name, cat in catalogs.items():
        exercise = cat.exercise
        path = files.exercises.get(name)
        if path is None:
            message = (f"No {exercise.file_name} was found in your submission, so this exercise earns 0 of "
                       f"{format_points(cat.max_points)} points.")
            tests = [TestResult(t.name, t.title, t.points, 0.0, Status.MISSING, feedback=message) for t in cat.tests]
            exercises.append(ExerciseResult(name, exercise.title, cat.max_points, ExerciseStatus.MISSING, None,
                                            message, tests))
            continue
        tests = []
        for t in cat.tests:
            verdict = verdicts.get((name, t.name))
            replay_cmd = replay.format(module=name, seed=seed, test=t.name, file=cat.suite.name)
            test_seed = sandbox_seed(seed, t.name)
            if verdict is None:
                verdict = sandbox.Verdict(sandbox.PlannedTest(name, cat.suite, t.name), Status.ERROR,
                                          reason=Reason(Cause.GAVE_UP))
            # no record at all: the sandbox could not run the test, which is the grader's fault, not the student's
            grader_fault = verdict.status == Status.ERROR and verdict.record is None
            record = verdict.record or {}
            status = verdict.status
            if status.from_plugin and verdict.record is not None:
                feedback = _scrub(str(record.get("feedback") or ""))
                if status == Status.ERROR and not feedback:
                    feedback = "This test could not run."
                if status == Status.SKIPPED:
                    feedback = feedback or "This test was skipped, so it earns no points."
            else:
                feedback = explain(verdict, exercise.file_name, limits)
                said = _scrub(str(record.get("feedback") or "")) if verdict.status == Status.TAMPERED else ""
                if said:  # what the test itself found, after the reason it earns nothing
                    feedback = f"{feedback}\n\nThe test itself reported: {said}"
            points = t.points if status == Status.PASSED else 0.0
            tests.append(TestResult(
                name=t.name, title=t.title, max_points=t.points, points=points, status=status,
                feedback=feedback, replay="" if status == Status.PASSED else replay_cmd, seed=test_seed,
                duration=round(verdict.duration, 3),
                outcome=_student_outcome(record.get("outcome")) if status != Status.PASSED else None,
                # a failed test's notes are part of its feedback already
                notes=[_scrub(str(n)) for n in record.get("notes") or []] if status == Status.PASSED else [],
                grader_fault=grader_fault,
            ))
        severe = [f for f in findings if f.severe and f.file in (exercise.file_name, *files.helpers)]
        if severe:
            _tampered_by_source(tests, severe)
        flags += _guard_tests(name, tests, leaks)
        note = files.notes.get(name, "")
        shared = _one_cause(tests)
        if shared:
            # a file that cannot even be imported fails every test the same way: say it once, above the tests
            note = "\n\n".join(part for part in (shared, note) if part)
            first = shared.split("\n", 1)[0]
            first = first if len(first) <= 4000 else first[:3997].rstrip() + "..."
            for test in tests:
                test.feedback = (f"Not run: {exercise.file_name} could not be loaded ({first}). The whole "
                                 "explanation is at the top of this exercise.")
                test.replay = ""
        exercises.append(ExerciseResult(name, exercise.title, cat.max_points, ExerciseStatus.GRADED,
                                        files.relative(path), note, tests))
    flags += [f"review: {f.text()}" for f in findings if not f.severe]
    return SubmissionResult(
        student=files.student, exercises=exercises, seed=seed, grader_version=grader_version(),
        duration=round(time.monotonic() - started, 3), graded_at=time.time(), flags=flags,
    )


def _tampered_by_source(tests: list[TestResult], severe: list[guard_screen.Finding]) -> None:
    """Every test of an exercise whose file reaches for the grader's internals earns nothing."""
    shown = "; ".join(f"{f.what} ({f.file} line {f.line})" for f in severe[:3])
    text = (f"Your code reached into the grader or changed part of it, and the grader refused or caught it: "
            f"{shown}. Code under test may not touch the grader's memory, call stack, tracing, files or "
            "results, so this exercise earns no points and your instructor is told. Remove that code: "
            "the exercise needs none of it.")
    for i, test in enumerate(tests):
        if test.grader_fault or test.status == Status.TAMPERED:
            continue  # (what the run refused says more than the source does)
        tests[i] = replace(test, points=0.0, status=Status.TAMPERED, feedback=text, replay="", outcome=None, notes=[])


def _one_cause(tests: list[TestResult]) -> str:
    """The feedback every test of an exercise shares when none passed (a syntax error, an import that
    hangs or crashes): one explanation for the exercise instead of the same one per test."""
    if len(tests) < 2 or any(t.passed or t.grader_fault or t.status == Status.TAMPERED for t in tests):
        return ""
    texts = {t.feedback.strip() for t in tests}
    if len(texts) != 1:
        return ""
    return texts.pop()


def _texts(copies: dict[str, Path]) -> list[str]:
    out = []
    for path in copies.values():
        try:
            out.append(path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            pass
    return out


LEAK_NOTE = ("Part of this feedback was removed: it repeated lines of the hidden tests or of the reference "
             "solution, which your code read or printed. That counts as tampering, so this test earns no points.")


def _guard_tests(exercise: str, tests: list[TestResult], leaks: guard_leaks.LeakFilter) -> list[str]:
    """Remove hidden material from what the student sees; the flags for the instructor."""
    leaked = 0
    for i, test in enumerate(tests):
        feedback, n_feedback = leaks.clean(test.feedback)
        notes, n_notes = leaks.clean_value(test.notes)
        outcome, n_outcome = leaks.clean_value(test.outcome)
        removed = n_feedback + n_notes + n_outcome
        if removed:
            leaked += removed
            tests[i] = replace(test, points=0.0, status=Status.TAMPERED, feedback=f"{feedback}\n\n{LEAK_NOTE}".strip(),
                               outcome=outcome, notes=notes)
    flags = []
    tampered = [t for t in tests if t.status == Status.TAMPERED]
    if tampered:
        reason = tampered[0].feedback.split("\n")[0]
        reason = reason.split("caught it: ", 1)[-1].split(". Code under test may not", 1)[0][:300]
        flags.append(f"tampering: {exercise}, {len(tampered)} test{'s' if len(tampered) != 1 else ''} "
                     f"earned nothing ({reason})")
    if leaked:
        flags.append(f"leak: {leaked} line{'s' if leaked != 1 else ''} of hidden tests or solutions removed "
                     f"from {exercise}'s feedback")
    return flags


def sandbox_seed(base: int, test_name: str) -> int:
    from autograder.testing.plugin import test_seed

    return test_seed(base, test_name)


# ---------------------------------------------------------------------------------- a class


@dataclass
class ClassRun:
    """What :func:`grade_class` did, for the command line's summary."""

    out: Path
    results: list[SubmissionResult] = field(default_factory=list)
    graded: int = 0
    reused: int = 0
    seed: int = 0
    interrupted: bool = False
    skipped: list[Skipped] = field(default_factory=list)  # entries of SUBMISSIONS that are not student folders
    no_files: list[str] = field(default_factory=list)  # students in whose folder no exercise file was found
    withheld: list[SubmissionResult] = field(default_factory=list)  # the grader failed them: no grade published
    stopped: bool = False  # too many submissions hit a fault of the grader: the rest was not graded


class GradingError(ValueError):
    """Bad input to grading (reported as one line, nothing lost)."""


def worker_cpus(workers: int) -> list[int | None]:
    """The CPU each of ``workers`` grading slots pins its children to, spread over the CPUs this
    process may use (slot k gets the k-th, round robin); None for every slot with one worker, one
    usable CPU, no sched_setaffinity (not Linux) or AUTOGRADER_RACE_PIN=0.

    Left to the kernel, two children often start on one CPU, and a child's threads (the race engine
    hands control between them thousands of times a test) migrate between CPUs: measured on 2 cores,
    the same class took a fifth longer that way."""
    allowed = pinnable_cpus() if workers >= 2 else None
    if allowed is None:
        return [None] * workers
    return [allowed[slot % len(allowed)] for slot in range(workers)]


def resolve_seed(given: int | None, book: Gradebook) -> int:
    if given is not None:
        return given
    stored = book.meta("seed")
    if stored is not None:
        return int(stored)
    return random.SystemRandom().randrange(1 << 31)


def resolve_seed_for_single(given: int | None) -> int:
    """The seed of a one-submission run (Gradescope, GitHub Classroom): given, or fresh."""
    return given if given is not None else random.SystemRandom().randrange(1 << 31)


def check_writable(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".write-test-{os.getpid()}"
        probe.write_text("", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        raise GradingError(f"cannot write to {out}: {exc.strerror or exc}") from None


# a class run stops once more than this share of its graded submissions hit a fault of the grader
FAULT_SHARE_TO_STOP = 0.5
FAULT_MIN_SAMPLE = 4


def grade_class(
    submissions: Path,
    out: Path,
    *,
    jobs: int | None = None,
    seed: int | None = None,
    shard: tuple[int, int] | None = None,
    limits: sandbox.Limits = sandbox.DEFAULT_LIMITS,
    progress: Callable[[int, int, str], None] | None = None,
    students: list[StudentFiles] | None = None,
    skipped: list[Skipped] | None = None,
) -> ClassRun:
    """Grade every student folder in ``submissions`` (or one shard of them) into ``out``.

    Before anyone is graded, the grader proves on its built-in canary that it can run its own
    suites (:class:`GraderFault` otherwise, and nothing is written). A submission that the grader
    failed (a test it could not run at all) gets no grade: it is left out of grades.csv and the
    gradebook, so the next run grades it again; when more than half the class hits such faults the
    run stops.
    """
    skipped = [] if skipped is None else skipped
    if students is None:
        students = discover(submissions, skipped)
    students = [s for s in students if in_shard(s.student, shard)]
    check_writable(out)
    exercises = catalog_mod.available_exercises(hidden=True)
    if not exercises:
        raise GradingError("no exercise has a hidden suite in this installation, so there is nothing to grade")
    catalogs = catalog_mod.collect(exercises, hidden=True)
    sandbox.announce(unprivileged_too=True)
    if students:
        run_canary(grader_version(), limits=limits)
    protect = (out.resolve(), submissions.resolve())
    book = Gradebook(out / "gradebook.sqlite")
    try:
        run_seed = resolve_seed(seed, book)
        book.set_meta("seed", str(run_seed))
        book.set_meta("grader_version", grader_version())
        book.set_meta("shard", f"{shard[0]}/{shard[1]}" if shard else "")
        book.set_meta("sandbox", sandbox.isolation().describe())  # how this run's student code was isolated
        version = grader_version()
        run = ClassRun(out=out, seed=run_seed, skipped=list(skipped),
                       no_files=[s.student for s in students if not s.exercises])
        todo: list[tuple[StudentFiles, str]] = []
        results: dict[str, SubmissionResult] = {}
        from autograder import course

        # a course folder's suites and course.toml are part of the grader: a change re-grades
        course_digest = course.digest()
        for student in students:
            fingerprint = student.fingerprint(f"{version}\0{run_seed}\0{','.join(catalogs)}\0{course_digest}")
            stored = book.get(student.student)
            if stored is not None and stored.fingerprint == fingerprint:
                results[student.student] = stored
                run.reused += 1
                export.write_student(out, stored)
            else:
                todo.append((student, fingerprint))
        total = len(students)
        done_count = len(results)
        if progress:
            progress(done_count, total, "")
        cancel = threading.Event()
        workers = max(1, jobs or os.cpu_count() or 1)
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="grader")
        futures: dict[Future, tuple[StudentFiles, str, int]] = {}
        queue = list(todo)
        faulty = 0
        cpus = worker_cpus(workers)
        free_slots = list(range(workers))

        def submit_next() -> None:
            while queue and free_slots and not run.stopped:
                student, fingerprint = queue.pop(0)
                slot = free_slots.pop(0)
                future = pool.submit(grade_submission, student, catalogs, seed=run_seed, limits=limits,
                                     cancel=cancel, protect=protect, cpu=cpus[slot])
                futures[future] = (student, fingerprint, slot)

        try:
            while queue or futures:
                submit_next()
                if not futures:
                    break
                finished, _ = wait(list(futures), timeout=0.5, return_when=FIRST_COMPLETED)
                landed = []
                for future in finished:
                    student, fingerprint, slot = futures.pop(future)
                    free_slots.append(slot)
                    result = future.result()
                    result.fingerprint = fingerprint
                    run.graded += 1
                    if result.grader_faults:
                        # the grader's failure is never the student's grade: publish nothing for them
                        faulty += 1
                        run.withheld.append(result)
                    landed.append((student, result))
                    if faulty > FAULT_SHARE_TO_STOP * run.graded and run.graded >= FAULT_MIN_SAMPLE:
                        run.stopped = True
                # the next students start before this thread writes the reports of the ones that
                # finished: a worker waiting for that would leave its core idle
                submit_next()
                for student, result in landed:
                    done_count += 1
                    if not result.grader_faults:
                        export.write_student(out, result)
                        book.put(result)
                        results[student.student] = result
                    if progress:
                        progress(done_count, total, student.student)
        except BaseException:
            cancel.set()
            pool.shutdown(wait=True, cancel_futures=True)
            run.interrupted = True
            raise
        pool.shutdown(wait=True)
        run.results = [results[s.student] for s in students if s.student in results]
        export.write_class(out, run.results, run_seed)
        return run
    finally:
        book.close()


def print_error(message: str) -> None:
    print(f"autograder: error: {message}", file=sys.stderr)
