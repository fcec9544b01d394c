"""Student-facing failures: what broke in plain words, the idea behind it, and how to see it again."""

from __future__ import annotations

import os
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
    "processes": (
        "In CPython only one thread at a time runs Python code (the GIL), so CPU-bound work does "
        "not get faster with threads. Worker processes each have their own interpreter: use "
        "`multiprocessing.Pool` or `concurrent.futures.ProcessPoolExecutor` and give each worker "
        "its share of the numbers."
    ),
    # --- the pipeline exercise
    "sentinel": (
        "A consumer that waits on `queue.get()` sleeps until an item comes, so it only stops if "
        "something tells it to: put one sentinel (a special object meaning \"no more items\") per "
        "consumer, after every producer has finished, and let each consumer stop at the first "
        "sentinel it takes. One sentinel stops one consumer; the others wait forever."
    ),
    "bounded-queue": (
        "A bounded queue (`queue.Queue(maxsize)`) makes a fast producer wait in `put()` while the "
        "queue is full, so the items waiting for a consumer never pile up beyond the limit: memory "
        "stays bounded however fast the producers are. `queue.Queue()` without a size, or with "
        "`maxsize=0`, has no limit at all."
    ),
    "busy-wait": (
        "A thread that has nothing to do should sleep inside a blocking call (`queue.get()`, "
        "`put()`, `Condition.wait()`) until another thread wakes it. Asking again and again in a "
        "loop (`get_nowait()` or `empty()` until something is there) is busy-waiting: it burns a "
        "whole CPU core doing nothing, and holds the GIL away from the threads that do the work."
    ),
    "error-report": (
        "An exception raised in a thread ends that thread, and nobody else sees it: the item is "
        "lost, and whoever waits for that thread may wait forever. Catch the exception around the "
        "work on one item, record it (with the item) for the caller, and go on with the next item."
    ),
    # --- the downloader exercise
    "input-order": (
        "Threads finish in whatever order their work takes, not in the order it was handed out. "
        "To give results back in input order, keep each result with its position: collect the "
        "futures in a list in input order and read them in that order, use `executor.map`, or "
        "store each result at its index in a list made beforehand."
    ),
    "pool-size": (
        "A pool of n workers is a limit: at most n jobs run at the same time, whatever the number "
        "of jobs. `ThreadPoolExecutor(max_workers=n)`, n threads of your own that take jobs from one "
        "queue, or a `BoundedSemaphore(n)` held around the work all keep it; one thread per job "
        "does not."
    ),
    "download-timeout": (
        "Nothing can stop a thread from outside, so a timeout must be given to the call that "
        "blocks (`fetch(url, timeout=t)`, like `urlopen(url, timeout=t)`): then that call itself "
        "gives up. `future.result(timeout=t)` only stops waiting for the answer; the worker stays "
        "stuck in the download, and the pool waits for it when it shuts down."
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
    if outcome.kind == "step-limit":
        return ("Your threads never finished: they ran for a very long time without making progress "
                "(an endless loop, or threads waiting for each other in a busy loop).")
    if outcome.tampered:
        return "Your code tried to switch off the grader's thread control (sys.settrace or sys.monitoring)."
    return message


# ideas that can explain a deadlock: a thread waiting for a wakeup, a join or a lock that never comes
_WAITING_IDEAS = ("deadlock", "lost-wakeup", "join", "no-wait", "lock-scope", "timeout", "sentinel", "busy-wait",
                  "error-report", "download-timeout")


def race_check(
    body: Callable[[], Any],
    *,
    seed: int | None = None,
    runs: int = 200,
    idea: str = "",
    strategy: str = "random",
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
    if outcome.ok:
        return outcome
    if outcome.kind == "exception" and outcome.preemptions == 0 and not outcome.tampered:
        # not a race: the code fails even when its threads take turns; say where, show no schedule
        location = ""
        if outcome.where:
            file, line, source = outcome.where[-1]
            location = f" (at {os.path.basename(file)} line {line}: {source})"
        text = outcome.message.split(": ", 1)[-1] if outcome.message.startswith("in ") else outcome.message
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
    if outcome.kind == "deadlock" and idea not in _WAITING_IDEAS:
        # a test aimed at lost updates that deadlocks teaches deadlocks, not read-modify-write
        idea = "deadlock"
    excerpt = "\n".join(render_rows(outcome.trace)) if outcome.trace else ""
    raise Mistake(message, idea=IDEAS.get(idea, idea), excerpt=excerpt, outcome=outcome.to_dict(),
                  replay=CONTEXT.replay)
