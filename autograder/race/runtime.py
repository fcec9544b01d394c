"""One controlled run: the scenario's threads, the run token, preemption points, blocking, the clock.

Every scenario thread is a real OS thread, but only the thread that holds the run token executes;
all others are parked on their own private lock (their *baton*). At each preemption point the
running thread asks the strategy who runs next and, if it is another thread, hands the token over
by releasing that thread's baton and parking on its own. Blocking operations of the modelled
primitives never wait in the OS: the thread is marked blocked and the token moves on. When every
live thread is blocked with no timeout pending, the run is a deadlock.

Time is virtual, and it passes while threads work: every step of interleaved code (one bytecode
instruction of the code under test, or of library code it calls) costs ``STEP_COST`` virtual
seconds, 0.1 ms, and when no thread can run the clock jumps to the earliest timeout. So a timed
wait or a sleep expires once the other threads have done enough work, as on a real machine:
``join(timeout=0.001)`` gives up after ten steps of the others, and ``time.sleep(0.5)`` used instead
of ``join()`` returns after 5,000. The cost is about a thousand times what CPython needs for one
instruction: it stands for a slow, loaded machine, where timings a program silently relies on break
first. Timeouts of seconds, the generous safety nets of correct code, allow tens of thousands of
steps, more than a grading scenario runs between two events. The clock is a pure function of the
schedule (the steps taken and the jumps), so a replay sees the same times; ``time.monotonic``,
``time.time``, ``time.perf_counter`` and their ``_ns`` twins read it.

All engine state is guarded by one real lock, ``Run.mu``; in the normal case only the token holder
takes it, so it is never contended.
"""

from __future__ import annotations

import _thread
import sys
import threading
from collections.abc import Callable
from types import CodeType, FrameType
from typing import Any

from .events import (
    BLOCKED,
    FINISHED,
    RUNNABLE,
    Annotation,
    Block,
    Event,
    Failure,
    Finish,
    Note,
    Spawn,
    Step,
    Switch,
    Wake,
)
from .scope import Scope, frame_line
from .spin import SpinWatch

_allocate_lock = _thread.allocate_lock
_start_new_thread = _thread.start_new_thread
_get_ident = _thread.get_ident
_get_native_id = getattr(_thread, "get_native_id", None)

MAX_THREADS = 256

STEP_COST = 1e-4  # virtual seconds one step of interleaved code takes (see the module docstring)
CLOCK_READ_COST = 1e-6  # virtual seconds one read of time.monotonic() and its twins takes
_NEVER = float("inf")


class RunAborted(BaseException):
    """Unwinds a scenario thread when its run has ended early (failure, deadlock, step limit)."""


class ThreadRecord:
    """The engine's view of one scenario thread."""

    __slots__ = (
        "run", "index", "name", "thread", "target", "daemon", "ident", "state", "baton", "ready",
        "exited", "waiting", "deadline", "timed_out", "holds", "joiners", "detached",
        "abort_delivered", "tracefn", "parent", "in_engine", "__weakref__",
    )

    def __init__(self, run: Run, index: int, name: str, thread: Any, target: Callable[[], Any],
                 daemon: bool, parent: ThreadRecord | None) -> None:
        self.run = run
        self.index = index
        self.name = name
        self.thread = thread
        self.target = target
        self.daemon = daemon
        self.parent = parent
        self.ident: int | None = None
        self.state = RUNNABLE
        self.baton = _allocate_lock()
        self.baton.acquire()
        self.ready = _allocate_lock()
        self.ready.acquire()
        self.exited = _allocate_lock()
        self.exited.acquire()
        self.waiting: Any = None  # what a blocked thread waits for: a description object
        self.deadline: float | None = None
        self.timed_out = False
        self.holds: list[Any] = []  # modelled locks this thread holds, for reports
        self.joiners: list[ThreadRecord] = []
        self.detached = False  # running outside the token after a stall (see Run.watchdog)
        self.abort_delivered = False
        self.tracefn: Any = None
        self.in_engine = False  # inside engine code: preemption points are ignored there

    def __repr__(self) -> str:
        return f"<{self.name} {self.state}>"


class Run:
    """The state of one controlled execution of the test body under one strategy."""

    def __init__(self, engine: Any, strategy: Any, *, max_steps: int, record: bool) -> None:
        self.engine = engine
        self.scope: Scope = engine.scope
        self.strategy = strategy
        self.max_steps = max_steps
        self.mu = _allocate_lock()
        self.records: list[ThreadRecord] = []
        self.by_ident: dict[int, ThreadRecord] = {}
        self.runnable: list[ThreadRecord] = []
        self.current: ThreadRecord | None = None
        self.steps = 0
        self.decisions = 0
        self.preemptions = 0
        self.progress = 0
        self.clock = 0.0  # virtual seconds skipped by jumps to a timeout; see now()
        self.next_deadline = _NEVER  # no blocked thread's timeout expires before this (a bound)
        self.failure: Failure | None = None
        self.aborting = False
        self.over = False
        self.uncontrolled = False
        self.notes: list[str] = []
        self.log: list[Event] | None = [] if record else None
        self.ended = _allocate_lock()
        self.ended.acquire()
        self.lock_sites: dict[tuple[str, int], int] = {}
        self.hashes = 0  # creation numbers of threads and futures (see primitives._run_hash)
        self.stubborn_steps = 0  # steps run by threads that swallowed RunAborted
        self.watch = SpinWatch(self)  # busy-waiting, and the verdict when the step budget runs out
        # threads blocked until a pipe or socket of this run is readable (see primitives._selector_select):
        # each with a non-blocking poll that says whether its wait is over
        self.io_polls: dict[ThreadRecord, Callable[[], bool]] = {}
        self.own_fds: set[int] = set()  # pipes and socket pairs created by this run's threads
        self.forked = False  # a process was forked during the run: its copies may write to those fds

    def now(self) -> float:
        """Virtual seconds since the run began: the steps taken, plus the jumps to timeouts."""
        return self.clock + self.steps * STEP_COST

    # ------------------------------------------------------------------ threads

    def spawn(self, thread: Any, target: Callable[[], Any], name: str, daemon: bool,
              parent: ThreadRecord | None) -> ThreadRecord:
        """Register a new scenario thread and start its OS thread, parked until scheduled."""
        self.mu.acquire()
        try:
            if len(self.records) >= MAX_THREADS:
                raise RuntimeError(
                    f"can't start new thread: this test already started {MAX_THREADS} threads"
                )
            rec = ThreadRecord(self, len(self.records), name, thread, target, daemon, parent)
            self.records.append(rec)
            self.runnable.append(rec)
            self.strategy.on_spawn(rec)
            self.progress += 1
            if self.log is not None and parent is not None:
                self.log.append(Spawn(parent.index, rec.index))
        finally:
            self.mu.release()
        try:
            _start_new_thread(self._bootstrap, (rec,))
        except BaseException:
            self.mu.acquire()
            rec.state = FINISHED
            self.runnable.remove(rec)
            self.mu.release()
            raise
        rec.ready.acquire()  # the child registered its identity; it now waits for its baton
        return rec

    def _bootstrap(self, rec: ThreadRecord) -> None:
        # (its CPU and scheduling policy are its creator's: see placement.py)
        ident = _get_ident()
        rec.ident = ident
        self.by_ident[ident] = rec
        thread = rec.thread
        if thread is not None:
            thread._ident = ident
            if _get_native_id is not None:
                thread._native_id = _get_native_id()
            # after the run, threading's own is_alive()/join() must see this OS thread's real end
            if hasattr(thread, "_handle"):
                thread._handle = _Handle(rec)
            else:
                thread._tstate_lock = rec.exited
            with threading._active_limbo_lock:
                threading._active[ident] = thread
        error: BaseException | None = None
        try:
            self.engine.backend.thread_started(rec)
            rec.ready.release()
            self._park(rec)
            rec.target()
        except RunAborted:
            pass
        except SystemExit as exc:
            if rec.index == 0:
                error = exc
        except BaseException as exc:  # noqa: BLE001 - every failure of a scenario thread counts
            error = exc
        finally:
            try:
                self.engine.backend.thread_finished(rec)
                rec.in_engine = True
                failure = None
                if error is not None and not self.aborting:
                    from .report import describe_exception  # late: report imports runtime

                    failure = describe_exception(self, rec, error)
                self._finish(rec, failure)
            finally:
                if thread is not None:
                    with threading._active_limbo_lock:
                        if threading._active.get(ident) is thread:
                            del threading._active[ident]
                rec.exited.release()

    def start(self, main: ThreadRecord) -> None:
        """Hand the token to the first thread (called by the supervisor)."""
        self.mu.acquire()
        self.current = main
        main.baton.release()
        self.mu.release()

    # ------------------------------------------------------------------ the token

    def _park(self, rec: ThreadRecord) -> None:
        """Wait (mu not held) until ``rec`` holds the token; deliver an abort if the run ended."""
        rec.baton.acquire()
        if self.aborting:
            self._deliver_abort(rec)

    def _deliver_abort(self, rec: ThreadRecord) -> None:
        if not rec.abort_delivered:
            rec.abort_delivered = True
            raise RunAborted()

    def _handoff(self, me: ThreadRecord, nxt: ThreadRecord) -> None:
        """With mu held: make ``nxt`` current, park ``me`` until it is its turn again.

        Returns (or raises RunAborted) with mu held.
        """
        self.current = nxt
        self.progress += 1
        if nxt.detached:
            nxt.detached = False  # it is already running; it keeps going as the token holder
        else:
            nxt.baton.release()
        self.mu.release()
        me.baton.acquire()
        self.mu.acquire()
        if self.aborting:
            self._deliver_abort(me)

    def _rejoin(self, rec: ThreadRecord) -> None:
        """With mu held: ``rec`` came back after running outside the token; wait for its turn.

        Returns with mu held; the caller checks ``aborting`` afterwards.
        """
        rec.detached = False
        if self.current is None or self.current.state != RUNNABLE:
            self.current = rec
            return
        self.mu.release()
        rec.baton.acquire()
        self.mu.acquire()

    def enter(self, rec: ThreadRecord) -> None:
        """Take mu for a modelled operation of ``rec``; returns with mu held and ``rec`` running.

        Raises RunAborted (with mu released) when the run is being unwound.
        """
        self.mu.acquire()
        if not self.aborting and rec is not self.current:
            self._rejoin(rec)
        if self.aborting and not rec.abort_delivered:
            rec.abort_delivered = True
            self.mu.release()
            raise RunAborted()
        rec.in_engine = True

    def leave(self) -> None:
        rec = self.by_ident.get(_get_ident())
        if rec is not None:
            rec.in_engine = False
        self.mu.release()

    # ------------------------------------------------------------------ preemption points

    def point(self, rec: ThreadRecord, visible: int, code: CodeType, offset: int,
              frame: FrameType | None = None) -> None:
        """Called before each instruction of in-scope code run by ``rec`` that the back end could not
        pass over itself: a frame-local instruction of the current thread, while not recording and
        under the step budget, is only counted there (``instrument.py``), without this call."""
        if rec.in_engine:
            return  # in-scope code called back from inside the engine (a repr, a describe)
        mu = self.mu
        mu.acquire()
        try:
            if rec is not self.current:
                if not self.aborting:
                    self._rejoin(rec)
                if self.aborting:
                    if rec.abort_delivered:
                        # it caught RunAborted and keeps running: remind it now and then
                        self.stubborn_steps += 1
                        if self.stubborn_steps % 2000 == 0:
                            raise RunAborted()
                        return
                    self._deliver_abort(rec)
                    return
            self.steps += 1
            self.progress += 1
            log = self.log
            if log is not None:
                # what the previous instruction read or wrote, taken before any other thread runs
                note = self.engine.annotate(rec, code, offset, frame)
                if note:
                    log.append(Annotation(rec.index, note))
            if visible or self.steps > self.max_steps:
                verdict = self.watch.observe(rec, code, offset, visible)
                if verdict is not None:
                    self.fail(rec, verdict)
                    raise RunAborted()
            if visible:
                self._decide(rec)
            elif self.steps > self.max_steps:
                self._step_limit(rec)
            if log is not None:
                log.append(Step(rec.index, code, offset))  # the instruction runs now
        finally:
            mu.release()

    def _decide(self, rec: ThreadRecord) -> None:
        """With mu held, at a point where a switch can matter: let the strategy choose who runs."""
        if self.steps > self.max_steps:
            self._step_limit(rec)
        if self.io_polls:
            self._poll_io()
        if self.next_deadline <= self.clock + self.steps * STEP_COST:
            self._expire(self.now())
        if len(self.runnable) > 1:
            self.decisions += 1
            nxt = self.strategy.choose(self.runnable, rec)
            if nxt is not rec:
                self.preemptions += 1
                if self.log is not None:
                    self.log.append(Switch(rec.index, nxt.index, "preempt"))
                self._handoff(rec, nxt)

    def _yield(self, rec: ThreadRecord) -> None:
        """With mu held: ``time.sleep(0)``. CPython's thread gives up the GIL there, and a thread that
        waits for the GIL takes it before the sleeper can take it back: another runnable thread runs
        next, always (a schedule that let the sleeper go on would be one no real run has; a thread
        retrying a lock with sleep(0) would then seem to starve the lock's holder). What comes before
        the choice is _decide's, written out in both: _decide runs at every visible instruction, where a
        shared helper would cost a call (and, on 3.11, a trace event) each time."""
        if self.steps > self.max_steps:
            self._step_limit(rec)
        if self.io_polls:
            self._poll_io()
        if self.next_deadline <= self.clock + self.steps * STEP_COST:
            self._expire(self.now())
        others = [r for r in self.runnable if r is not rec]
        if others:
            nxt = self.strategy.pick(others, rec)
            self.decisions += 1
            if self.log is not None:
                self.log.append(Switch(rec.index, nxt.index, "yield"))
            self._handoff(rec, nxt)

    def checkpoint(self, rec: ThreadRecord, label: str) -> None:
        """An explicit preemption point requested by harness code (``race.checkpoint``)."""
        self.enter(rec)
        try:
            if self.aborting:
                return
            self.steps += 1
            self.progress += 1
            if self.log is not None:
                self.log.append(Note(rec.index, label, _user_site(self, sys._getframe(1))))
            self._decide(rec)
        finally:
            self.leave()

    # ------------------------------------------------------------------ blocking

    def block(self, rec: ThreadRecord, waiting: Any, deadline: float | None) -> bool:
        """With mu held: block ``rec`` until woken or ``deadline``; True if it timed out.

        Returns with mu held and ``rec`` holding the token.
        """
        if self.aborting:
            raise RunAborted()
        if not self.engine.backend.intact(rec):
            self._tamper_failure(rec, "something that switched the engine's tracing off")
            raise RunAborted()
        rec.state = BLOCKED
        rec.waiting = waiting
        rec.deadline = deadline
        rec.timed_out = False
        self.watch.blocked(rec)
        if deadline is not None and deadline < self.next_deadline:
            self.next_deadline = deadline
        self.runnable.remove(rec)
        self.progress += 1
        if self.log is not None:
            self.log.append(Block(rec.index, waiting, _user_site(self, sys._getframe(1))))
        nxt = self._next(rec)
        if nxt is None:
            self._deadlock(rec)  # raises
        if nxt is not rec:
            if self.log is not None:
                self.log.append(Switch(rec.index, nxt.index, "block"))
            self._handoff(rec, nxt)
        return rec.timed_out

    def wake(self, rec: ThreadRecord) -> None:
        """With mu held: a blocked thread may run again (it re-checks what it waited for)."""
        if rec.state != BLOCKED:
            return
        rec.state = RUNNABLE
        rec.waiting = None
        rec.deadline = None
        rec.timed_out = False
        self._insert_runnable(rec)
        if self.log is not None:
            self.log.append(Wake(rec.index, False))

    def _insert_runnable(self, rec: ThreadRecord) -> None:
        runnable = self.runnable
        i = len(runnable)
        while i and runnable[i - 1].index > rec.index:
            i -= 1
        runnable.insert(i, rec)

    def _poll_io(self) -> None:
        """With mu held: wake the threads whose pipe or socket became readable (a thread of the run
        wrote to it: nothing outside the run can, see primitives._selector_select)."""
        for rec, ready in list(self.io_polls.items()):
            if rec.state == BLOCKED and ready():
                self.wake(rec)

    def io_wait(self, rec: ThreadRecord, ready: Callable[[], bool], waiting: Any, deadline: float | None) -> bool:
        """Block ``rec`` until ``ready()`` or ``deadline`` (virtual); True if it became ready."""
        self.enter(rec)
        try:
            while not ready():
                if deadline is not None and self.now() >= deadline:
                    return False
                self.io_polls[rec] = ready
                try:
                    self.block(rec, waiting, deadline)
                finally:
                    self.io_polls.pop(rec, None)
            return True
        finally:
            self.leave()

    def _next(self, previous: ThreadRecord | None) -> ThreadRecord | None:
        """With mu held: who runs now that ``previous`` blocked or finished."""
        if self.io_polls:
            self._poll_io()
        while not self.runnable:
            timed = [r.deadline for r in self.records if r.state == BLOCKED and r.deadline is not None]
            if not timed:
                return None
            now = self.now()
            first = min(timed)
            if first > now:
                self.clock += first - now  # nothing can run: jump to the earliest timeout
                now = self.now()
            self._expire(max(now, first))
        return self.strategy.pick(self.runnable, previous)

    def _expire(self, now: float) -> None:
        """With mu held: every blocked thread whose timeout is at or before ``now`` runs again."""
        upcoming = _NEVER
        for r in self.records:
            if r.state != BLOCKED or r.deadline is None:
                continue
            if r.deadline <= now:
                r.state = RUNNABLE
                r.waiting = None
                r.deadline = None
                r.timed_out = True
                self._insert_runnable(r)
                if self.log is not None:
                    self.log.append(Wake(r.index, True))
            elif r.deadline < upcoming:
                upcoming = r.deadline
        self.next_deadline = upcoming

    def sleep(self, rec: ThreadRecord, seconds: float) -> None:
        """``time.sleep`` on the virtual clock."""
        self.enter(rec)
        try:
            if self.aborting:
                return
            if seconds <= 0:  # sleep(0): the classic way to say "let another thread run"
                self.steps += 1
                self._yield(rec)
                return
            self.block(rec, Sleeping(seconds), self.now() + seconds)
        finally:
            self.leave()

    # ------------------------------------------------------------------ the end of a thread

    def _finish(self, rec: ThreadRecord, failure: Failure | None) -> None:
        self.mu.acquire()
        try:
            if rec.state == BLOCKED:
                pass
            elif rec in self.runnable:
                self.runnable.remove(rec)
            rec.state = FINISHED
            rec.waiting = None
            self.progress += 1
            if self.log is not None and not self.aborting:
                self.log.append(Finish(rec.index, failure.exc_type if failure is not None else None))
            for joiner in rec.joiners:
                self.wake(joiner)
            rec.joiners.clear()
            if self.aborting:
                if self.current is rec:
                    self.current = None
                self._check_all_exited()
                return
            if failure is not None:
                self.fail(None, failure)
                return
            if all(r.state == FINISHED or r.daemon for r in self.records):
                self._end_run()
                return
            if self.current is not rec:
                return  # a detached thread finished while another one holds the token
            nxt = self._next(rec)
            if nxt is None:
                self._deadlock(None, raise_=False)
                return
            if self.log is not None:
                self.log.append(Switch(rec.index, nxt.index, "finish"))
            self.current = nxt
            if nxt.detached:
                nxt.detached = False
            else:
                nxt.baton.release()
        finally:
            self.mu.release()

    def _check_all_exited(self) -> None:
        if all(r.state == FINISHED for r in self.records) and not self.over:
            self.over = True
            self.ended.release()

    def _end_run(self) -> None:
        """With mu held: every non-daemon thread finished; unwind any daemon threads left."""
        if any(r.state != FINISHED for r in self.records):
            self._abort_all()
        self._check_all_exited()

    def _abort_all(self) -> None:
        self.aborting = True
        self.current = None
        for r in self.records:
            if r.state != FINISHED:
                try:
                    r.baton.release()
                except RuntimeError:
                    pass  # its baton was already handed over

    # ------------------------------------------------------------------ failures

    def fail(self, rec: ThreadRecord | None, failure: Failure) -> None:
        """With mu held: end the run with ``failure`` and unwind every thread."""
        if self.failure is None:
            self.failure = failure
        self._abort_all()
        if rec is not None:
            rec.abort_delivered = True
        self._check_all_exited()

    def _deadlock(self, rec: ThreadRecord | None, raise_: bool = True) -> None:
        from .report import thread_states

        states = thread_states(self, skip_finished=True)
        names = [s["name"] for s in states if s["state"] == BLOCKED]
        message = (
            "deadlock: every thread is waiting and none can go on ("
            + ", ".join(names) + ")"
        )
        if not any(not r.daemon for r in self.records if r.state != FINISHED):
            message = "deadlock: the remaining threads all wait for each other"
        self.fail(rec, Failure("deadlock", message, thread=rec.name if rec else None, threads=states))
        if raise_:
            raise RunAborted()

    def _step_limit(self, rec: ThreadRecord) -> None:
        """The step budget ran out: busy-wait or inconclusive, after a short diagnosis window."""
        verdict = self.watch.over_budget(rec)
        if verdict is not None:
            self.fail(rec, verdict)
            raise RunAborted()

    def tampered(self, rec: ThreadRecord, what: str) -> None:
        """Student code tried to switch the engine off: the run fails, control is not lost."""
        self.mu.acquire()
        try:
            self._tamper_failure(rec, what)
        finally:
            self.mu.release()
        raise RunAborted()

    def _tamper_failure(self, rec: ThreadRecord, what: str) -> None:
        if self.aborting:
            return
        site = _user_site(self, sys._getframe(2))
        self.fail(rec, Failure(
            "exception",
            f"tampering: the code under test called {what}, which would take its threads "
            "out of the race engine's control",
            thread=rec.name, exc_type="RuntimeError", tampered=True,
            where=[(site[0], site[1], "")] if site else [],
        ))

    # ------------------------------------------------------------------ the supervisor's side

    def watchdog(self, stalled_for: float) -> None:
        """Called by the supervisor when the token holder made no progress for a while.

        If the holder is stuck in code the engine cannot model (a C call, real I/O), it is detached:
        it goes on by itself when the OS lets it, and another thread gets the token. The run is
        then marked as not fully controlled.
        """
        self.mu.acquire()
        try:
            holder = self.current
            if holder is None or self.aborting or holder.state != RUNNABLE or holder.detached:
                return
            if _in_engine(holder):
                return
            others = [r for r in self.runnable if r is not holder and not r.detached]
            site = _user_site(self, sys._current_frames().get(holder.ident))
            from .report import display_path

            where = f" (at {display_path(site[0])}:{site[1]})" if site else ""
            note = (
                f"{holder.name} waited in code the engine cannot control{where}, so other threads "
                "went on without it: this run was not fully controlled"
            )
            if note not in self.notes:
                self.notes.append(note)
            self.uncontrolled = True
            if not others:
                return
            holder.detached = True
            nxt = self.strategy.pick(others, None)
            if self.log is not None:
                self.log.append(Switch(holder.index, nxt.index, "stall"))
            self.current = nxt
            self.progress += 1
            nxt.baton.release()
        finally:
            self.mu.release()

    def hang(self, seconds: float) -> None:
        """The run made no progress at all for ``seconds``: give it up as a deadlock."""
        from .report import thread_states

        self.mu.acquire()
        try:
            if self.aborting:
                return
            states = thread_states(self, skip_finished=True)
            self.fail(None, Failure(
                "deadlock",
                f"no progress for {seconds:.0f} seconds: a thread is stuck in code the engine "
                "cannot control (real I/O, a C call, or a lock from outside the test)",
                threads=states,
            ))
        finally:
            self.mu.release()

    def interrupt(self) -> None:
        """Unwind every thread (the supervisor was interrupted)."""
        self.mu.acquire()
        try:
            if not self.aborting:
                self.fail(None, Failure("exception", "interrupted"))
        finally:
            self.mu.release()


class _Handle:
    """Stands in for threading's _ThreadHandle (3.13+) on a thread the engine ran."""

    def __init__(self, rec: ThreadRecord) -> None:
        self._rec = rec
        self.ident = rec.ident

    def is_done(self) -> bool:
        if self._rec.exited.acquire(False):
            self._rec.exited.release()
            return True
        return False

    def join(self, timeout: float | None = None) -> None:
        if self._rec.exited.acquire(True, -1 if timeout is None else max(timeout, 0)):
            self._rec.exited.release()

    def _set_done(self) -> None:
        pass


class Sleeping:
    """What a thread in ``time.sleep`` waits for."""

    __slots__ = ("seconds",)

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def describe(self) -> str:
        return f"time.sleep({self.seconds:g})"


_ENGINE_FILES: set[str] = set()


def _in_engine(rec: ThreadRecord) -> bool:
    """Is the thread's innermost frame engine code (so it is not stuck in a C call)?"""
    frame = sys._current_frames().get(rec.ident)  # type: ignore[arg-type]
    if frame is None:
        return True
    if not _ENGINE_FILES:
        import os

        here = os.path.dirname(os.path.abspath(__file__))
        _ENGINE_FILES.update(
            os.path.join(here, name) for name in os.listdir(here) if name.endswith(".py")
        )
    return frame.f_code.co_filename in _ENGINE_FILES


def _user_site(run: Run, frame: FrameType | None) -> tuple[str, int] | None:
    """The innermost in-scope (file, line) on a stack, for reports."""
    scope = run.scope
    while frame is not None:
        if scope(frame.f_code):
            return (frame.f_code.co_filename, frame_line(frame))
        frame = frame.f_back
    return None
