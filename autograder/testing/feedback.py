"""Student-facing failures: what broke in plain words, the idea behind it, and how to see it again."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from autograder import race
from autograder.race.report import render_rows

# The ideas behind the classic mistakes, in words for a learner. Suites pick one per check.
IDEAS = {
    "read-modify-write": (
        "`x += 1` is three steps: read x, add one, write x back. If another thread writes x between "
        "your read and your write, its update is overwritten and lost. Hold one lock around the whole "
        "read-modify-write so no other thread can step in."
    ),
    "check-then-act": (
        "Checking a condition and acting on it are two separate steps. Between them another thread "
        "can change what you checked (take the last item, fill the last slot). Make the check and "
        "the action one atomic step: do both while holding the same lock, or use a primitive that "
        "does both, such as a semaphore's acquire."
    ),
    "lock-scope": (
        "A lock protects only what happens while it is held. Hold it around every access to the "
        "shared state, and only around that: work that does not touch shared state (a download, a "
        "long computation) should run outside the lock so that threads can overlap."
    ),
    "one-lock": (
        "A lock protects shared state only if every thread uses the same lock object. A lock "
        "created inside the method, or one per call, is a new lock each time and excludes nobody."
    ),
    "lost-wakeup": (
        "A thread that waits must re-check its condition when it wakes up: `while not ready: "
        "cond.wait()`, never `if`. Another thread may have taken what woke it, and a notify sent "
        "before the wait began is not remembered."
    ),
    "work-twice": (
        "When threads share one pool of work, taking an item must be atomic: read the next index "
        "and advance it under a lock, or let a queue hand out items. Otherwise two threads take the "
        "same item, or one is skipped."
    ),
    "alone": (
        "A thread alone can never be let in by anyone else: it may wait only for what another thread "
        "would do, and a timeout of 0 never waits. Keep the state that says who is inside exact: count a "
        "thread in when it goes in, and out again when it leaves or gives up."
    ),
    "mixed-waiters": (
        "Threads that wait for different things (producers for free space, consumers for an item) "
        "waited on one Condition, and all of them were left waiting although one of them could have "
        "gone on: `notify()` wakes just one waiter, and it may be one that cannot go on, so the "
        "wake-up the others needed is lost. Wake them all with `notify_all()` (each re-checks its own "
        "condition in its `while` loop), or give each kind of waiter a Condition of its own."
    ),
    "deadlock": (
        "A deadlock happens when threads wait for each other in a cycle, each holding something the "
        "next one needs. Take locks in one global order, hold them briefly, and never wait for a "
        "thread while holding a lock it needs."
    ),
    "join": (
        "A function that starts threads should wait for them (`join`) before it returns; otherwise "
        "its result is read while they are still working, and they outlive the call."
    ),
    "real-concurrency": (
        "Starting a thread and joining it at once, or calling `run()` instead of `start()`, runs the "
        "work one piece after another: correct, but nothing happens at the same time. Start all the "
        "threads first, then join them."
    ),
    "bounded": (
        "A `BoundedSemaphore` refuses to be released more times than it was acquired, so a refill "
        "can never push the count above capacity. A plain `Semaphore` silently lets the count grow."
    ),
    "torn-write": (
        "Writing a line to a file is not one step: a file object copies the text into its buffer "
        "in pieces, and the `io` documentation says text files are not safe to share between "
        "threads. Another thread's write can land in the middle of yours. Hold one lock, shared by "
        "every writer, around the whole write (and around close), so each line goes in whole."
    ),
    "shared-pool": (
        "Giving each thread a fixed share of the work (every n-th item, or one block each) looks fair, "
        "but the shares rarely take equally long: a thread that drew the slow items is still working "
        "while the others sit idle. Put the work in one pool (a list behind a lock, a `queue.Queue`, "
        "an executor) and let each thread take the next item whenever it is free."
    ),
    "torn-read": (
        "Reading a value that is kept in more than one place (two counters, a sum of fields) takes "
        "several steps, and another thread can change the pieces between them: the reader then sees a "
        "mix of before and after that never existed. Read every piece while holding the lock that the "
        "writers hold, or keep the value in one variable that every change updates under that lock."
    ),
    "shared-state": (
        "A class attribute, or a variable at the top of the module, is one object shared by every "
        "instance and every call. State that belongs to one object or one call must be created "
        "for it: `self.x = ...` in `__init__`, or a local variable inside the function."
    ),
    "no-wait": (
        "A method that must not wait has to ask without blocking: `acquire(blocking=False)`, "
        "`get_nowait()`, or check and act while holding a lock and return at once. A plain "
        "`acquire()` waits, possibly forever."
    ),
    "timeout": (
        "A wait with a timeout must give up when the time has passed and say so: "
        "`acquire(timeout=t)`, `wait(timeout=t)` and `wait_for(..., timeout=t)` return False then. "
        "A timeout of None means wait for as long as it takes; 0 means do not wait at all "
        "(`if timeout:` mixes the two up)."
    ),
    "race-exception": (
        "This error happens only when the threads interleave in a particular way: another thread "
        "changed shared data (an index, a list, a dict, a counter) between the moment your code "
        "looked at it and the moment it used it. Every read and update of shared data that must "
        "stay consistent belongs under one lock, or in a structure that does the step atomically, "
        "such as a `queue.Queue`."
    ),
    "busy-wait": (
        "A thread that waits by checking a condition again and again in a loop (busy-waiting: "
        "`get_nowait()` or `empty()` until something is there, or polling with short sleeps) keeps "
        "a CPU busy doing nothing, holds the GIL away from the threads that do the work, and still "
        "reacts late. Let it "
        "sleep until another thread wakes it: `Condition.wait()` (in a `while` loop), a "
        "Semaphore's `acquire()`, `Event.wait()` or `Queue.get()`, each with its timeout."
    ),
    "processes": (
        "In CPython only one thread at a time runs Python code (the GIL), so CPU-bound work does "
        "not get faster with threads. Worker processes each have their own interpreter: use "
        "`multiprocessing.Pool` or `concurrent.futures.ProcessPoolExecutor` and give each worker "
        "its share of the numbers."
    ),
    "plain-value": (
        "Return the plain built-in value the task asks for (an `int`, a `list` of `str`, ...), not an "
        "object of your own class or a subclass of it. The grader compares results with `==`, and an "
        "object of your own class decides for itself what `==`, `bool()` or `len()` answer, so its "
        "answer says nothing about what your code really did."
    ),
}


class Mistake(AssertionError):
    """A failed check, explained for a student.

    ``what`` says what broke, in plain words; ``idea`` the concept behind it; ``excerpt`` the
    engine's interleaving (if a race was found); ``outcome`` the engine outcome as a dict.
    """

    def __init__(self, what: str, *, idea: str = "", excerpt: str = "", outcome: dict | None = None,
                 replay: str = "") -> None:
        self.what = what
        self.idea = idea
        self.excerpt = excerpt
        self.outcome = outcome
        self.replay = replay
        super().__init__(self.text())

    def text(self) -> str:
        parts = [self.what]
        if self.idea:
            parts.append(f"Why: {self.idea}")
        if self.excerpt:
            parts.append("How it happened:\n" + self.excerpt)
        if self.replay:
            parts.append(f"To see it again: {self.replay}")
        return "\n\n".join(parts)


_UNDEFINED = re.compile(r"(?:AttributeError: )?module '(?P<module>\w+)' has no attribute '(?P<name>\w+)'")


def undefined_name(message: str, module: str = "") -> str:
    """Plain words for code that uses a name the student's file does not define (yet), or "" if that is
    not what ``message`` (an exception's text) says about ``module``, the student's module."""
    found = _UNDEFINED.search(message)
    if found is None or not module or found["module"] != module:
        return ""
    return (f"{found['module']}.py does not define `{found['name']}`: the task asks for it, so every check that "
            f"uses it fails. Write `{found['name']}` as the exercise's README describes (the starter file shows "
            "its signature).")


@dataclass
class _Context:
    """Set by the pytest plugin for the test that is running."""

    replay: str = ""
    seed: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


CONTEXT = _Context()


def note(text: str) -> None:
    """Tell the student something about this test that is not graded (a measured speed-up, say).

    The plugin puts the notes of a test in its result record (``notes``) and after the feedback of
    a failed test.
    """
    CONTEXT.notes.append(text)


def expect(condition: object, what: str, idea: str = "") -> None:
    """Like ``assert``, but the failure is a :class:`Mistake` with plain words (and no test source)."""
    if not condition:
        raise Mistake(what, idea=IDEAS.get(idea, idea), replay=CONTEXT.replay)


def _plain_message(outcome: race.Outcome) -> str:
    message = outcome.message
    if outcome.kind == "assertion":
        for prefix in ("AssertionError: ", "Mistake: "):
            message = message.replace(prefix, "", 1)
    if outcome.kind == "deadlock":
        lines = ["Your threads deadlocked: every thread was waiting and none could go on."]
        for state in outcome.threads:
            holds = f" while holding {', '.join(state['holds'])}" if state["holds"] else ""
            waits = state["waits_for"] or "something"
            site = state.get("site")
            where = f" (at {site[0].rsplit('/', 1)[-1]}:{site[1]}: {site[2]})" if site else ""
            lines.append(f"- {state['name']} waited for {waits}{holds}{where}")
        return "\n".join(lines)
    if outcome.kind == "busy-wait":
        # the engine names the spinning thread and its loop: keep that, after the plain words
        detail = outcome.message.removeprefix("busy-wait: ").strip()
        return ("A thread busy-waited: it ran round a loop, checking the same state again and again while "
                "nothing changed, instead of sleeping until another thread woke it."
                + (f" ({detail})" if detail else ""))
    if outcome.tampered:
        return "Your code tried to switch off the grader's thread control (sys.settrace or sys.monitoring)."
    return message


# ideas that can explain a deadlock: a thread waiting for a wakeup, a join or a lock that never comes
_WAITING_IDEAS = ("alone", "mixed-waiters", "deadlock", "lost-wakeup", "join", "no-wait", "lock-scope", "timeout",
                  "lock-order",
                  "notify-all", "starvation", "give-up-cleanly", "readers-share", "rw-exclusion", "sentinel",
                  "busy-wait", "error-report", "download-timeout", "close-once")
# a test's general lesson about waiting, which a deadlock of mixed waiters on one Condition overrides
_GENERAL_WAITING_IDEAS = ("deadlock", "lost-wakeup", "sentinel", "")


def mixed_waiters(threads: list[dict[str, Any]]) -> bool:
    """Whether, at a deadlock, two threads waited on the very same Condition from different lines of
    code: waiters of two kinds (for space and for an item, say) sharing one Condition. Since what they
    wait for cannot both be false at once, one of them missed the wake-up it needed."""
    sites: dict[int, set[Any]] = {}
    for state in threads:
        condition, site = state.get("condition"), state.get("site")
        if condition is not None and site:
            sites.setdefault(condition, set()).add((site[0], site[1]))
    return any(len(lines) > 1 for lines in sites.values())


# ideas that already explain an exception that some interleavings raise
_EXCEPTION_IDEAS = ("check-then-act", "work-twice", "race-exception", "shared-state", "consistent-snapshot",
                    "error-report")


LARGER_BUDGET = 20  # race_check's second try, for a body whose schedule ran out of steps


def race_check(
    body: Callable[[], Any],
    *,
    seed: int | None = None,
    runs: int = 200,
    idea: str = "",
    strategy: str = "mixed",
    max_steps: int = 50_000,
    what: str | Callable[[race.Outcome], str] | None = None,
) -> race.Outcome:
    """Run ``body`` under the race engine; a failing schedule becomes a :class:`Mistake`.

    ``idea`` is a key of :data:`IDEAS` (or the text itself). ``what`` overrides the plain-words
    message; by default it is the failing assertion's message, a deadlock description, or the
    exception the student's code raised. A :class:`Mistake` that ``body`` raises (``expect``)
    keeps its own words and idea; ``idea`` is the fallback.
    """
    if seed is None:
        seed = CONTEXT.seed if CONTEXT.seed is not None else 0
    raised: list[Mistake] = []  # the Mistake ``body`` raised in the last run, if any

    def watched() -> Any:
        raised.clear()
        try:
            return body()
        except Mistake as exc:
            raised.append(exc)
            raise

    watched.__qualname__ = getattr(body, "__qualname__", "body")
    outcome = race.explore(watched, seed=seed, runs=runs, strategy=strategy, max_steps=max_steps)
    if outcome.kind == "inconclusive":
        # a schedule used up its step budget without busy-waiting: nothing was checked yet. Slow but
        # right code finishes with a larger budget (and is then checked like any other); code that
        # burns steps to run out the budget does not earn the points of a check it never reached
        outcome = race.explore(watched, seed=seed, runs=runs, strategy=strategy,
                               max_steps=max_steps * LARGER_BUDGET)
        if outcome.kind == "inconclusive":
            raise Mistake(
                f"This check never reached a verdict: one run of it took more than "
                f"{max_steps * LARGER_BUDGET:,} steps of your code (each bytecode instruction is a step), "
                "far more than this exercise needs, so nothing it should verify was verified. Look for a "
                "loop that runs much longer than it should, or work repeated inside a loop.",
                idea=IDEAS.get("step-budget", ""), replay=CONTEXT.replay)
    if outcome.ok:
        return outcome
    if outcome.kind == "exception" and outcome.preemptions == 0 and not outcome.tampered:
        # not a race: the code fails even when its threads take turns; say where, show no schedule
        location = ""
        if outcome.where:
            file, line, source = outcome.where[-1]
            location = f" (at {os.path.basename(file)} line {line}: {source})"
        text = outcome.message.split(": ", 1)[-1] if outcome.message.startswith("in ") else outcome.message
        student_module = str(CONTEXT.extra.get("student_module", ""))
        missing = undefined_name(text, student_module) if outcome.exception_type == "AttributeError" else ""
        if missing:
            raise Mistake(missing)
        if outcome.exception_type == "NotImplementedError":
            raise Mistake(f"This part is not written yet: your code raised NotImplementedError{location}.")
        raise Mistake(f"Your code raised {text}{location}.", replay=CONTEXT.replay)
    own = raised[0] if raised and outcome.kind == "assertion" else None
    if own is not None and not isinstance(what, str):
        message = own.what
        idea = own.idea or idea
    elif callable(what):
        message = what(outcome)
    else:
        message = what or _plain_message(outcome)
    if outcome.kind == "busy-wait":
        idea = "busy-wait"
    if outcome.kind == "exception" and outcome.preemptions > 0 and idea not in _EXCEPTION_IDEAS:
        # the test was aimed at another mistake, but what happened is an error some interleavings raise:
        # explain that, not the test's lesson
        idea = "race-exception"
    if outcome.kind == "deadlock" and idea not in _WAITING_IDEAS:
        # a test aimed at lost updates that deadlocks teaches deadlocks, not read-modify-write
        idea = "deadlock"
    if outcome.kind == "deadlock" and idea in _GENERAL_WAITING_IDEAS and mixed_waiters(outcome.threads):
        # what happened is more telling than the test's aim: waiters of different kinds on one Condition
        idea = "mixed-waiters"
    excerpt = "\n".join(render_rows(outcome.trace)) if outcome.trace else ""
    raise Mistake(message, idea=IDEAS.get(idea, idea), excerpt=excerpt, outcome=outcome.to_dict(),
                  replay=CONTEXT.replay)
