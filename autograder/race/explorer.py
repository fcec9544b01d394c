"""``explore`` and ``replay``: run a test body under controlled schedules, shrink a failure, report it."""

from __future__ import annotations

import gc
import hashlib
import os
import random
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from . import primitives
from .instrument import make_backend
from .outcome import Outcome
from .placement import Placement, scenario_cpus
from .primitives import Patcher, _orig_monotonic, _orig_perf_counter, _orig_time
from .report import Annotator, build_rows, render, trim
from .runtime import Failure, Run, ThreadRecord, _allocate_lock
from .scope import Scope, make_scope
from .shrink import Attempt, Candidate, Shrinker, signature
from .spin import mark_writes
from .strategies import (
    MAX_PCT_DEPTH,
    RNG_MASK,
    ExplicitStrategy,
    Recording,
    decode,
    encode_pct,
    from_seed,
)

STRATEGIES = ("random", "pct", "mixed")
DEFAULT_RUNS = 500
DEFAULT_MAX_STEPS = 50_000
EXIT_TIMEOUT = 2.0  # seconds an unwinding thread may take before it counts as leaked

_active = _allocate_lock()  # one explore/replay at a time per process


def _after_fork_in_child() -> None:
    """A scenario thread forked: the child has only that thread, so it runs uncontrolled."""
    engine = primitives.ENGINE
    if engine is None:
        return
    primitives.ENGINE = None
    run = engine.run
    engine.run = None
    if run is not None:
        run.aborting = True  # points in the forking thread return at once from now on
        for rec in run.records:
            rec.abort_delivered = True
        run.mu = _allocate_lock()  # the parent's lock may have been held by another thread
    import sys

    sys.settrace(None)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


UNSEEDED_NOTE = (
    "the test body used randomness the engine does not seed ({what}), so a replay of this seed may "
    "not show the same thing: seed it (random.Random(seed)) to make the run reproducible"
)


class _EntropyWatch:
    """Notes, on the current run, every draw of unseeded randomness by a scenario thread.

    ``os.urandom`` (which ``uuid.uuid4``, ``secrets`` and ``random.SystemRandom`` draw from) and
    ``random.seed()`` without an argument. The global ``random`` generator itself is seeded from the
    schedule seed for every run, so it replays.
    """

    def __init__(self) -> None:
        self._saved: list[tuple[Any, str, Any]] = []

    @staticmethod
    def _note(what: str) -> None:
        run, rec = primitives._current()
        if run is not None and rec is not None:
            note = UNSEEDED_NOTE.format(what=what)
            if note not in run.notes:
                run.notes.append(note)

    def install(self) -> None:
        real_urandom = os.urandom
        real_seed = random.seed

        def urandom(size: int) -> bytes:
            _EntropyWatch._note("os.urandom, uuid.uuid4, secrets or random.SystemRandom")
            return real_urandom(size)

        def seed(a: Any = None, version: int = 2) -> None:
            if a is None:
                _EntropyWatch._note("random.seed() without a seed")
            real_seed(a, version)

        for owner, name, value in ((os, "urandom", urandom), (random, "_urandom", urandom), (random, "seed", seed)):
            if hasattr(owner, name):
                self._saved.append((owner, name, getattr(owner, name)))
                setattr(owner, name, value)

    def uninstall(self) -> None:
        while self._saved:
            owner, name, value = self._saved.pop()
            setattr(owner, name, value)


@dataclass
class RunResult:
    seed: int
    strategy: str
    failure: Failure | None
    steps: int
    decisions: int
    preemptions: int
    uncontrolled: bool
    notes: list[str]
    log: list[tuple] | None
    names: list[str]
    elapsed: float
    leaked: list[str] = field(default_factory=list)
    spins: list[dict[str, Any]] = field(default_factory=list)


def _stop_again(run: Run) -> None:
    """Raise RunAborted once more in threads that swallowed it and keep running.

    An asynchronous exception reaches a thread at its next bytecode whether or not it is still
    traced. Never while the thread is inside engine code, where it could leave a lock held.
    """
    import ctypes

    from .runtime import FINISHED, RunAborted, _in_engine

    for rec in run.records:
        if rec.state == FINISHED or not rec.abort_delivered or rec.ident is None or rec.in_engine:
            continue
        if rec.exited.acquire(False):
            rec.exited.release()
            continue
        if not _in_engine(rec):
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(rec.ident), ctypes.py_object(RunAborted))


class Engine:
    """Everything one explore/replay call needs: scope, backend, patches and the current run."""

    def __init__(self, scope: Scope, *, stall_timeout: float, hang_timeout: float) -> None:
        self.scope = scope
        self.backend = make_backend(self)
        self.patcher = Patcher(self)
        self.annotate = Annotator()
        self._run: Run | None = None
        self.stall_timeout = stall_timeout
        self.hang_timeout = hang_timeout
        self.base_time = self.base_monotonic = self.base_perf = 0.0
        self.placement = Placement(scenario_cpus())
        self.entropy = _EntropyWatch()
        mark_writes(self.scope)

    @property
    def run(self) -> Run | None:
        """The run in progress, if any (mirrored in ``primitives.RUN`` for the primitives' fast path)."""
        return self._run

    @run.setter
    def run(self, value: Run | None) -> None:
        self._run = value
        primitives.RUN = value

    @contextmanager
    def installed(self) -> Iterator[Engine]:
        if not _active.acquire(False):
            raise RuntimeError(
                "the race engine is already running in this process: explore() and replay() "
                "cannot be nested or run from two threads at once"
            )
        self.placement.apply()
        try:
            self.base_time = _orig_time()
            self.base_monotonic = _orig_monotonic()
            self.base_perf = _orig_perf_counter()
            self.backend.start()
            try:
                self.patcher.install()
                self.entropy.install()
                primitives.ENGINE = self
                yield self
            finally:
                primitives.ENGINE = None
                self.entropy.uninstall()
                self.patcher.uninstall()
                self.backend.stop()
        finally:
            self.placement.restore()
            _active.release()

    def run_once(self, fn: Callable[[], Any], seed: int | Any, max_steps: int, record: bool) -> RunResult:
        strategy = from_seed(seed) if isinstance(seed, int) else seed
        run = Run(self, strategy, max_steps=max_steps, record=record)
        self.patcher.before_run()
        self.annotate.reset()
        main_thread = threading.Thread(name="main", target=fn, daemon=False)
        gc_was_enabled = gc.isenabled()
        gc.disable()
        started = _orig_perf_counter()
        self.run = run
        leaked: list[str] = []
        random_state = random.getstate()
        random.seed(strategy.seed)  # the global generator replays with the schedule
        try:
            main = run.spawn(main_thread, main_thread.run, "main", False, None)
            main_thread._ag_record = main  # type: ignore[attr-defined]
            main_thread._started.set()  # type: ignore[attr-defined]
            run.start(main)
            self._supervise(run)
        finally:
            leaked = self._reap(run)
            self.run = None
            random.setstate(random_state)
            if gc_was_enabled:
                gc.enable()
        notes = list(run.notes)
        if leaked:
            notes.append(
                "these threads could not be stopped and are still running: " + ", ".join(leaked)
            )
        return RunResult(
            seed=strategy.seed, strategy=strategy.description, failure=run.failure, steps=run.steps,
            decisions=run.decisions, preemptions=run.preemptions, uncontrolled=run.uncontrolled,
            notes=notes, log=run.log, names=[r.name for r in run.records],
            elapsed=_orig_perf_counter() - started, leaked=leaked, spins=run.watch.spins(),
        )

    def _supervise(self, run: Run) -> None:
        last_progress = -1
        since = _orig_perf_counter()
        try:
            while not run.ended.acquire(True, self.stall_timeout):
                now = _orig_perf_counter()
                progress = run.progress + run.steps
                if progress != last_progress:
                    last_progress = progress
                    since = now
                    continue
                stalled = now - since
                if run.aborting:
                    if stalled >= EXIT_TIMEOUT:
                        return  # unwinding threads that do not end are reaped as leaked
                    _stop_again(run)
                elif stalled >= self.hang_timeout:
                    run.hang(stalled)
                    since = now
                else:
                    run.watchdog(stalled)
        except KeyboardInterrupt:
            run.interrupt()
            raise

    def _reap(self, run: Run) -> list[str]:
        """Wait for every scenario OS thread to end; name those that would not."""
        deadline = _orig_perf_counter() + EXIT_TIMEOUT
        leaked = []
        for rec in run.records:
            remaining = max(0.0, deadline - _orig_perf_counter())
            if rec.exited.acquire(True, remaining):
                rec.exited.release()  # it stays the thread's end for join() and is_alive() after the run
            else:
                leaked.append(rec.name)
        return leaked


# ------------------------------------------------------------------------------------ public API


def _validate(fn: Any, max_steps: int) -> None:
    if not callable(fn):
        raise TypeError(f"the test body must be a callable that takes no arguments, not {type(fn).__name__}")
    if not isinstance(max_steps, int) or max_steps < 1:
        raise ValueError(f"max_steps must be a positive int, not {max_steps!r}")


def _fn_name(fn: Any) -> str:
    return getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or type(fn).__name__


def _replay_line(fn: Any, seed: int, hint: str | None) -> str:
    if hint:
        return hint.format(seed=seed, fn=_fn_name(fn))
    return f"Replay this exact schedule: autograder.race.replay({_fn_name(fn)}, seed={seed})"


def _outcome(fn: Any, res: RunResult, *, runs: int, elapsed: float, hint: str | None,
             time_to_failure: float | None = None, first_failing_seed: int | None = None) -> Outcome:
    failure = res.failure
    rows = trim(build_rows(res.log or [], res.names)) if res.log is not None else []
    report = render(
        failure, rows, seed=res.seed, strategy=res.strategy, preemptions=res.preemptions,
        steps=res.steps, replay_line=_replay_line(fn, res.seed, hint), notes=res.notes,
    )
    return Outcome(
        ok=failure is None or failure.kind == "inconclusive", kind=failure.kind if failure else "passed",
        seed=res.seed, runs=runs,
        report=report, message=failure.message if failure else "passed",
        strategy=res.strategy, preemptions=res.preemptions, steps=res.steps,
        controlled=not res.uncontrolled and not res.leaked,
        tampered=bool(failure and failure.tampered), notes=list(res.notes), trace=rows,
        threads=failure.threads if failure else [], exception_type=failure.exc_type if failure else None,
        where=list(failure.where) if failure else [],
        elapsed=elapsed, time_to_failure=time_to_failure, first_failing_seed=first_failing_seed,
        spins=res.spins,
    )


def schedule_rng(base: int, index: int) -> int:
    """The random stream of schedule ``index`` of ``explore(seed=base)``: SHA-256 over both numbers.

    Every (base seed, schedule index) pair gets its own stream, so two base seeds share no
    schedules (up to 32-bit collisions) and schedule ``i`` of one base is unrelated to any
    schedule of another.
    """
    digest = hashlib.sha256(f"threadgrader schedule {base} {index}".encode()).digest()
    return int.from_bytes(digest[:8], "little") & RNG_MASK


def _merge_spins(into: list[dict[str, Any]], spins: list[dict[str, Any]]) -> None:
    """Keep the longest spin seen for each (thread, file, line)."""
    for spin in spins:
        for known in into:
            if (known["thread"], known["file"], known["line"]) == (spin["thread"], spin["file"], spin["line"]):
                known["steps"] = max(known["steps"], spin["steps"])
                break
        else:
            into.append(dict(spin))


def _inconclusive(fn: Any, res: RunResult, *, ran: int, runs: int, notes: list[str], spins: list[dict[str, Any]],
                  strategy: str, max_steps: int, uncontrolled: bool, hint: str | None, elapsed: float) -> Outcome:
    """A schedule used up its step budget and nobody busy-waited: no verdict, and no failure."""
    assert res.failure is not None
    completed = ran - 1
    note = (
        f"the exploration was cut short: schedule {ran} used up its budget of {max_steps:,} steps "
        f"before the test ended ({completed} of {runs} schedule{'s' * (runs != 1)} completed without a failure); "
        "no thread was busy-waiting, so this is not a failure, but the code was not fully explored. "
        "A larger max_steps lets the test finish"
    )
    notes = [*notes, note]
    text = [f"Inconclusive: {res.failure.message}."]
    text.extend(f"Note: {n}" for n in notes)
    text.append("")
    text.append(_replay_line(fn, res.seed, hint))
    return Outcome(
        ok=True, kind="inconclusive", seed=res.seed, runs=ran, report="\n".join(text),
        message=res.failure.message, strategy=res.strategy, preemptions=res.preemptions, steps=res.steps,
        controlled=not uncontrolled, notes=notes, elapsed=elapsed, spins=spins,
    )


def _schedule_seed(strategy: str, base: int, i: int, steps_seen: int, depth: int) -> int:
    rng = schedule_rng(base, i)
    if strategy == "random" or (strategy == "mixed" and i % 2 == 0):
        return rng
    return encode_pct(depth, max(steps_seen, 16), rng)


def _shrink(engine: Engine, fn: Callable[[], Any], found: RunResult, base: int, max_steps: int) -> RunResult:
    """The failing schedule with the fewest preemptions that still fails the same way as ``found``.

    The passes live in :mod:`.shrink`; this supplies them with runs of ``fn`` and the predicate
    "fails the same way" (the same :func:`~.shrink.signature`). When nothing smaller keeps the
    failure, ``found`` itself is returned.
    """
    assert found.failure is not None
    wanted = signature(found.failure)

    def run(candidate: Candidate) -> Attempt:
        inner = from_seed(candidate) if isinstance(candidate, int) else ExplicitStrategy(candidate)
        recording = Recording(inner)
        res = engine.run_once(fn, recording, max_steps, record=False)
        same = res.failure is not None and signature(res.failure) == wanted
        return Attempt(same, res.preemptions, res.decisions, list(recording.switches),
                       dict(recording._count), res)

    if found.preemptions == 0:
        return found
    again = run(found.seed)
    if not again.interesting:
        return found  # the test does not fail the same way twice: leave it as found
    best = Shrinker(run, again, threads=range(len(found.names)), seed=base).shrink()
    return best.payload if best.payload is not None else found


def explore(
    fn: Callable[[], Any],
    *,
    runs: int = DEFAULT_RUNS,
    seed: int | None = None,
    strategy: str = "random",
    max_steps: int = DEFAULT_MAX_STEPS,
    time_budget: float | None = None,
    scope: Callable[[str], bool] | Iterable[str] | None = None,
    shrink: bool = True,
    pct_depth: int = 3,
    stall_timeout: float = 0.1,
    hang_timeout: float = 10.0,
    replay_hint: str | None = None,
) -> Outcome:
    """Run ``fn`` under up to ``runs`` controlled schedules and stop at the first failing one.

    ``fn`` is an ordinary test body: it creates objects, starts threads, joins them and asserts.
    Schedules are derived from ``seed`` (random if None), so the same seed explores the same
    schedules in the same order: schedule ``i`` draws its choices from the 32-bit stream
    :func:`schedule_rng` ``(seed, i)`` (SHA-256 of ``"threadgrader schedule {seed} {i}"``), which is
    the reported schedule seed for ``strategy="random"``; for ``"pct"`` the schedule seed packs PCT's
    depth and step count above that stream; ``"mixed"`` takes even-numbered schedules from the random
    strategy and odd-numbered ones from PCT (uniform choice finds races that need many switches,
    PCT those that need one switch held long enough, such as a thread preempted between a check
    under a lock and the update after it). Different base seeds share no schedules. The global
    ``random`` generator is seeded from each schedule seed (and restored after the run).

    A failure is shrunk to fewer preemptions while it fails the same way (see :mod:`.shrink`),
    replayed once more to record its interleaving, and returned as a failing :class:`Outcome` whose ``seed``
    replays it exactly with :func:`replay`.

    A schedule that uses up ``max_steps`` ends the exploration: as ``busy-wait`` (a failure) when a
    thread was spinning, otherwise as ``inconclusive`` (``ok``, with a note that says how many
    schedules completed). ``time_budget`` (seconds) stops exploring early, with a passing outcome that says how many
    schedules ran. ``scope`` overrides which files are interleaved (a predicate on the filename, or
    a list of files and folders). ``replay_hint`` is a format string (``{seed}``, ``{fn}``) for the
    report's last line.
    """
    _validate(fn, max_steps)
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}: use 'random', 'pct' or 'mixed'")
    if not isinstance(runs, int) or runs < 1:
        raise ValueError(f"runs must be a positive int, not {runs!r}")
    if seed is not None and (not isinstance(seed, int) or seed < 0):
        raise ValueError(f"seed must be a non-negative int, not {seed!r}")
    if not 1 <= pct_depth <= MAX_PCT_DEPTH:
        raise ValueError(f"pct_depth must be between 1 and {MAX_PCT_DEPTH}, not {pct_depth!r}")
    if time_budget is not None and time_budget <= 0:
        raise ValueError(f"time_budget must be a positive number of seconds, not {time_budget!r}")
    base = seed if seed is not None else int.from_bytes(os.urandom(4), "little")
    engine = Engine(make_scope(scope), stall_timeout=stall_timeout, hang_timeout=hang_timeout)
    started = _orig_perf_counter()
    notes: list[str] = []
    steps_seen = 0
    ran = 0
    spins: list[dict[str, Any]] = []
    uncontrolled = False
    with engine.installed():
        for i in range(runs):
            if time_budget is not None and ran and _orig_perf_counter() - started >= time_budget:
                notes.append(f"the time budget of {time_budget:g}s ran out after {ran} of {runs} schedules")
                break
            res = engine.run_once(fn, _schedule_seed(strategy, base, i, steps_seen, pct_depth), max_steps, False)
            ran += 1
            steps_seen = max(steps_seen, res.decisions)
            uncontrolled = uncontrolled or res.uncontrolled or bool(res.leaked)
            for note in res.notes:
                if note not in notes:
                    notes.append(note)
            _merge_spins(spins, res.spins)
            if res.failure is None:
                continue
            if res.failure.kind == "inconclusive":
                return _inconclusive(fn, res, ran=ran, runs=runs, notes=notes, spins=spins, strategy=strategy,
                                     max_steps=max_steps, uncontrolled=uncontrolled, hint=replay_hint,
                                     elapsed=_orig_perf_counter() - started)
            time_to_failure = _orig_perf_counter() - started
            # a runaway run has nothing to shrink: the schedule is not what makes it fail
            best = _shrink(engine, fn, res, base, max_steps) if shrink and res.failure.kind != "busy-wait" else res
            wanted = signature(res.failure)
            recorded = engine.run_once(fn, best.seed, max_steps, record=True)
            if recorded.failure is None or signature(recorded.failure) != wanted:
                if best is not res:
                    best = res  # report the schedule as found rather than a different failure
                    recorded = engine.run_once(fn, best.seed, max_steps, record=True)
                if recorded.failure is None or signature(recorded.failure) != wanted:
                    recorded.failure = best.failure
                    recorded.notes.append(
                        "this failure did not happen again when its schedule was replayed: the test "
                        "body does something the engine does not control (randomness, real time, I/O)"
                    )
            return _outcome(fn, recorded, runs=ran, elapsed=_orig_perf_counter() - started, hint=replay_hint,
                            time_to_failure=time_to_failure, first_failing_seed=res.seed)
    first = _schedule_seed(strategy, base, 0, 0, pct_depth)
    text = [f"No failure in {ran} schedule{'s' * (ran != 1)} (strategy {strategy}, first seed {first})."]
    text.extend(f"Note: {note}" for note in notes)
    return Outcome(
        ok=True, kind="passed", seed=first, runs=ran, report="\n".join(text), message="passed",
        strategy=strategy, controlled=not uncontrolled, notes=notes,
        elapsed=_orig_perf_counter() - started, spins=spins,
    )


def replay(
    fn: Callable[[], Any],
    seed: int,
    *,
    max_steps: int = DEFAULT_MAX_STEPS,
    scope: Callable[[str], bool] | Iterable[str] | None = None,
    stall_timeout: float = 0.1,
    hang_timeout: float = 10.0,
    replay_hint: str | None = None,
) -> Outcome:
    """Run ``fn`` once under exactly the schedule named by ``seed`` and report what happened."""
    _validate(fn, max_steps)
    decode(seed)  # validates
    engine = Engine(make_scope(scope), stall_timeout=stall_timeout, hang_timeout=hang_timeout)
    started = _orig_perf_counter()
    with engine.installed():
        res = engine.run_once(fn, seed, max_steps, record=True)
    return _outcome(fn, res, runs=1, elapsed=_orig_perf_counter() - started, hint=replay_hint)


def checkpoint(label: str = "checkpoint") -> None:
    """Let the engine switch threads here (for harness code outside the scope, e.g. a fake file).

    Outside a controlled run this does nothing.
    """
    run, rec = primitives._current()
    if rec is not None:
        run.checkpoint(rec, label)  # type: ignore[union-attr]


def in_scenario() -> bool:
    """True when called from a thread the engine controls."""
    return primitives._current()[1] is not None


__all__ = ["explore", "replay", "checkpoint", "in_scenario", "Engine", "RunResult", "ThreadRecord"]
