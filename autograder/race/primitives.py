"""Modelled blocking: Lock, RLock, Condition, threads, sleep and the virtual clock.

While ``explore`` or ``replay`` runs, the names below are patched; every patched callable checks
whether its caller is a thread of the current scenario and otherwise behaves exactly like the
original, so pytest's own threads and anything else in the process are not affected.

Only Lock, RLock and the waiting side of Condition need models. CPython's Semaphore,
BoundedSemaphore, Event, Barrier, Timer, queue.Queue (and its Lifo/Priority variants),
queue.SimpleQueue's pure-Python twin and concurrent.futures are written in Python on top of those,
so they get modelled blocking, the virtual clock and CPython's exact semantics for free.

Primitives the code under test creates when it is imported (``created_as_models``). A lock made
at import time can end up anywhere: a module global, a class attribute, a decorator's closure, a
default argument, a ``functools.partial``, a dict, an object. Rather than hunt for references, the
loader imports the student's module while ``threading.Lock``/``RLock`` (and with them Condition,
Semaphore, BoundedSemaphore, Event, Barrier, queue.Queue and its kin, all built on them) and
``queue.SimpleQueue`` already produce the engine's models, for the primitives the imported code
itself creates (the creating frame, or the first module-level frame below it, is in scope; a
library module imported on the way keeps real locks). A model behaves exactly like the real object
outside a run: every call from a thread that is not a scenario thread goes to a real lock of its
own (``_real``), ``repr`` reads like the real one's, pickling fails as it does for a real lock, and
``_at_fork_reinit`` works. Inside a run it is modelled, starting each run free (``before_run``).
The reference hunt (``Patcher._substitute_and_adopt``) stays for modules loaded some other way.
"""

from __future__ import annotations

import _thread
import collections
import itertools
import os
import queue
import selectors
import socket
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable
from types import ModuleType
from typing import Any

from .runtime import CLOCK_READ_COST, FINISHED, Run, ThreadRecord, _user_site
from .scope import frame_line

try:
    import _posixsubprocess  # how subprocess starts a program on POSIX
except ImportError:  # Windows
    _posixsubprocess = None  # type: ignore[assignment]

ENGINE: Any = None  # the engine of the explore/replay call in progress, if any
RUN: Any = None  # its run in progress, if any (the engine keeps it): the hot paths read it inline

_get_ident = _thread.get_ident
_orig_allocate_lock = _thread.allocate_lock
_orig_threading_Lock = threading.Lock
_orig_RLock = threading.RLock
_orig_thread_RLock = getattr(_thread, "RLock", None)
_OrigCondition = threading.Condition
_orig_cond_wait = threading.Condition.wait
_orig_cond_notify = threading.Condition.notify
_orig_cond_notify_all = threading.Condition.notify_all
_orig_thread_start = threading.Thread.start
_orig_thread_join = threading.Thread.join
_orig_thread_is_alive = threading.Thread.is_alive
_orig_thread_init = threading.Thread.__init__
_orig_start_new_thread = _thread.start_new_thread
_orig_sleep = time.sleep
_orig_time = time.time
_orig_monotonic = time.monotonic
_orig_perf_counter = time.perf_counter
_orig_time_ns = time.time_ns
_orig_monotonic_ns = time.monotonic_ns
_orig_perf_counter_ns = time.perf_counter_ns
_OrigSimpleQueue = queue.SimpleQueue
_PySimpleQueue = queue._PySimpleQueue  # type: ignore[attr-defined]

_orig_pipe = os.pipe
_orig_socketpair = socket.socketpair

_REAL_LOCK_TYPE = type(_orig_allocate_lock())
_OUT_OF_SCOPE: dict[int, ModuleType] = {}  # id -> module found out of the default scope (see _substitute_and_adopt)
_FALLBACK_GUARD = _orig_allocate_lock()  # makes a model's real fallback lock exactly once
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_FALLBACK_GUARD._at_fork_reinit)
_REAL_RLOCK_TYPES = tuple({type(_orig_RLock()), threading._PyRLock})  # type: ignore[attr-defined]


def _current() -> tuple[Run | None, ThreadRecord | None]:
    run = RUN
    if run is None:
        return None, None
    return run, run.by_ident.get(_get_ident())


def _check_lock_args(blocking: Any, timeout: Any) -> float:
    """Reject what CPython's lock rejects, with its exception and message; the timeout as a float."""
    if (timeout.__class__ is int or timeout.__class__ is float) and timeout == -1:
        return -1.0
    # the C lock's own argument parsing, on a fresh lock that is free: valid arguments never wait
    probe = _orig_allocate_lock()
    if probe.acquire(blocking, timeout):
        probe.release()
    return float(timeout)


def _check_wait_timeout(timeout: Any) -> None:
    """Reject a positive timeout that CPython's own wait would reject (``float('inf')``, more than
    ``threading.TIMEOUT_MAX``): Condition.wait and Thread.join hand it to a lock's acquire, which
    raises OverflowError there, whether or not anything would have woken the waiter. A free real
    lock parses it with the same C function and returns at once."""
    probe = _orig_allocate_lock()
    if probe.acquire(True, timeout):
        probe.release()


def _creation_label(run: Run, kind: str) -> str:
    site = _user_site(run, sys._getframe(2))
    if site is None:
        return kind
    from .report import display_path

    key = (site[0], site[1])
    n = run.lock_sites.get(key, 0) + 1
    run.lock_sites[key] = n
    place = f"{display_path(site[0])}:{site[1]}"
    return f"{kind} created at {place}" + (f" (#{n})" if n > 1 else "")


# ---------------------------------------------------------------------------------------- locks


class ModelLock:
    """``threading.Lock`` for scenario threads: blocking is modelled, never waited out."""

    __slots__ = ("_locked", "_owner", "_waiters", "label", "_fallback", "_outside", "__weakref__")

    def __init__(self, label: str = "Lock") -> None:
        self._locked = False
        self._owner: ThreadRecord | None = None
        self._waiters: list[ThreadRecord] = []
        self.label = label
        self._fallback: Any = None
        self._outside = False  # adopted while held by someone outside the scenario

    def _real(self) -> Any:
        fallback = self._fallback
        if fallback is None:
            with _FALLBACK_GUARD:  # two real threads must not make two different fallbacks
                if self._fallback is None:
                    self._fallback = _orig_allocate_lock()
                fallback = self._fallback
        return fallback

    def _reset(self) -> None:
        self._locked = self._outside
        self._owner = None
        self._waiters = []

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        # the hottest path of the engine: what _current() and _check_lock_args() do, inline (every call
        # a scenario thread makes costs a trace event, however short the function)
        run = RUN
        rec = None if run is None else run.by_ident.get(_get_ident())
        if rec is None:
            return self._real().acquire(blocking, timeout)
        if timeout.__class__ is int and timeout == -1:
            timeout = -1.0
        else:
            timeout = _check_lock_args(blocking, timeout)
        run.enter(rec)  # type: ignore[union-attr]
        try:
            if self._locked:
                if not blocking or timeout == 0:
                    return False
                deadline = None if timeout < 0 else run.now() + timeout  # type: ignore[union-attr]
                while self._locked:
                    self._waiters.append(rec)
                    timed_out = run.block(rec, self, deadline)  # type: ignore[union-attr]
                    if rec in self._waiters:
                        self._waiters.remove(rec)
                    if timed_out and self._locked:
                        return False
            self._locked = True
            self._owner = rec
            rec.holds.append(self)
            return True
        finally:
            run.leave()  # type: ignore[union-attr]

    def release(self) -> None:
        run = RUN
        rec = None if run is None else run.by_ident.get(_get_ident())
        if rec is None:
            return self._real().release()
        self._release(run, rec)

    def _release(self, run: Run, rec: ThreadRecord) -> None:
        run.enter(rec)
        try:
            if not self._locked:
                raise RuntimeError("release unlocked lock")
            owner = self._owner
            self._locked = False
            self._owner = None
            if owner is not None and self in owner.holds:
                owner.holds.remove(self)
            for waiter in self._waiters:
                run.wake(waiter)
        finally:
            run.leave()

    def locked(self) -> bool:
        run, rec = _current()
        if rec is None:
            return self._fallback is not None and self._fallback.locked()
        return self._locked

    __enter__ = acquire  # `with lock:` is acquire() with its defaults, one call instead of two

    def __exit__(self, *exc: Any) -> None:
        run = RUN
        rec = None if run is None else run.by_ident.get(_get_ident())
        if rec is None:
            return self._real().release()
        self._release(run, rec)

    acquire_lock = acquire
    release_lock = release
    locked_lock = locked

    def _at_fork_reinit(self) -> None:
        self._reset()
        self._fallback = None

    def describe(self) -> str:
        return self.label

    def __reduce_ex__(self, protocol: Any) -> Any:
        raise TypeError("cannot pickle '_thread.lock' object")

    def __repr__(self) -> str:
        if _current()[1] is None:  # outside a run it is a real lock, and says so
            state = "locked" if self._fallback is not None and self._fallback.locked() else "unlocked"
            return f"<{state} _thread.lock object at {id(self):#x}>"
        state = "locked" if self._locked else "unlocked"
        return f"<{state} modelled {self.label}>"


class ModelRLock:
    """``threading.RLock`` for scenario threads."""

    __slots__ = ("_owner", "_count", "_waiters", "label", "_fallback", "_outside", "__weakref__")

    def __init__(self, label: str = "RLock") -> None:
        self._owner: ThreadRecord | None = None
        self._count = 0
        self._waiters: list[ThreadRecord] = []
        self.label = label
        self._fallback: Any = None
        self._outside = False

    def _real(self) -> Any:
        fallback = self._fallback
        if fallback is None:
            with _FALLBACK_GUARD:
                if self._fallback is None:
                    self._fallback = _orig_RLock()
                fallback = self._fallback
        return fallback

    def _reset(self) -> None:
        self._owner = None
        self._count = 1 if self._outside else 0
        self._waiters = []

    def _busy(self) -> bool:
        return self._owner is not None or (self._outside and self._count > 0)

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        run, rec = _current()
        if rec is None:
            return self._real().acquire(blocking, timeout)
        timeout = _check_lock_args(blocking, timeout)
        run.enter(rec)  # type: ignore[union-attr]
        try:
            if self._owner is rec:
                self._count += 1
                return True
            if self._busy():
                if not blocking or timeout == 0:
                    return False
                deadline = None if timeout < 0 else run.now() + timeout  # type: ignore[union-attr]
                while self._busy():
                    self._waiters.append(rec)
                    timed_out = run.block(rec, self, deadline)  # type: ignore[union-attr]
                    if rec in self._waiters:
                        self._waiters.remove(rec)
                    if timed_out and self._busy():
                        return False
            self._owner = rec
            self._count = 1
            rec.holds.append(self)
            return True
        finally:
            run.leave()  # type: ignore[union-attr]

    def _drop(self, run: Run) -> None:
        owner = self._owner
        self._owner = None
        self._count = 0
        if owner is not None and self in owner.holds:
            owner.holds.remove(self)
        for waiter in self._waiters:
            run.wake(waiter)

    def release(self) -> None:
        run, rec = _current()
        if rec is None:
            return self._real().release()
        run.enter(rec)  # type: ignore[union-attr]
        try:
            if self._owner is not rec:
                raise RuntimeError("cannot release un-acquired lock")
            self._count -= 1
            if self._count == 0:
                self._drop(run)  # type: ignore[arg-type]
        finally:
            run.leave()  # type: ignore[union-attr]

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc: Any) -> None:
        self.release()

    def _is_owned(self) -> bool:
        run, rec = _current()
        if rec is None:
            return self._real()._is_owned()
        return self._owner is rec

    def _release_save(self) -> tuple[int, Any]:
        run, rec = _current()
        if rec is None:
            return self._real()._release_save()
        run.enter(rec)  # type: ignore[union-attr]
        try:
            if self._owner is not rec:
                raise RuntimeError("cannot release un-acquired lock")
            state = (self._count, rec.ident)
            self._drop(run)  # type: ignore[arg-type]
            return state
        finally:
            run.leave()  # type: ignore[union-attr]

    def _acquire_restore(self, state: tuple[int, Any]) -> None:
        run, rec = _current()
        if rec is None:
            return self._real()._acquire_restore(state)
        self.acquire()
        self._count = state[0]

    def _recursion_count(self) -> int:
        run, rec = _current()
        if rec is None:
            return self._real()._recursion_count()
        return self._count if self._owner is rec else 0

    def locked(self) -> bool:
        run, rec = _current()
        if rec is None:
            return self._fallback is not None and _rlock_held(self._fallback)
        return self._busy()

    def _at_fork_reinit(self) -> None:
        self._reset()
        self._fallback = None

    def describe(self) -> str:
        return self.label

    def __reduce_ex__(self, protocol: Any) -> Any:
        raise TypeError("cannot pickle '_thread.RLock' object")

    def __repr__(self) -> str:
        if _current()[1] is None and self._fallback is not None:
            return repr(self._fallback).replace(f"at {id(self._fallback):#x}", f"at {id(self):#x}")
        if _current()[1] is None:
            return f"<unlocked _thread.RLock object owner=0 count=0 at {id(self):#x}>"
        owner = self._owner.name if self._owner else None
        return f"<modelled {self.label} owner={owner} count={self._count}>"


# The models answer to the names of the real classes (``_thread.lock``, ``_thread.RLock``), so code
# under test cannot tell by a lock's type whether the engine is watching and behave well only then.
for _model, _name in ((ModelLock, "lock"), (ModelRLock, "RLock")):
    _model.__module__ = "_thread"
    _model.__name__ = _model.__qualname__ = _name


def _lock_factory(*args: Any, **kwargs: Any) -> Any:
    run, rec = _current()
    if rec is None:
        return _orig_allocate_lock(*args, **kwargs)
    return ModelLock(_creation_label(run, "Lock"))  # type: ignore[arg-type]


def _rlock_factory(*args: Any, **kwargs: Any) -> Any:
    run, rec = _current()
    if rec is None:
        return _orig_RLock(*args, **kwargs)
    return ModelRLock(_creation_label(run, "RLock"))  # type: ignore[arg-type]


# ------------------------------------------------------------- primitives created at import time

_IMPORTED: weakref.WeakSet[Any] = weakref.WeakSet()  # models made by created_as_models


def _created_by_user_code(frame: Any) -> str | None:
    """``file:line`` where user code (in the default scope) creates a primitive, else None.

    Walks out from the constructor's caller: the first frame in scope decides yes; reaching a
    library module's top level first (``logging`` imported on the way) decides no.
    """
    from .scope import default_predicate

    while frame is not None:
        code = frame.f_code
        if default_predicate(code.co_filename):
            from .report import display_path

            return f"{display_path(code.co_filename)}:{frame_line(frame)}"
        if code.co_name == "<module>":
            return None
        frame = frame.f_back
    return None


def _import_model(kind: str, make: Callable[[str], Any], real: Callable[..., Any],
                  in_run: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    run, rec = _current()
    if rec is not None:
        return in_run(*args, **kwargs)
    site = _created_by_user_code(sys._getframe(2))
    if site is None:
        return real(*args, **kwargs)
    model = make(f"{kind} created at {site}")
    _IMPORTED.add(model)
    return model


def _import_lock(*args: Any, **kwargs: Any) -> Any:
    return _import_model("Lock", ModelLock, _orig_allocate_lock, _lock_factory, args, kwargs)


def _import_rlock(*args: Any, **kwargs: Any) -> Any:
    return _import_model("RLock", ModelRLock, _orig_RLock, _rlock_factory, args, kwargs)


def _import_simple_queue(*args: Any, **kwargs: Any) -> Any:
    run, rec = _current()
    if rec is None and _created_by_user_code(sys._getframe(1)) is None:
        return _OrigSimpleQueue(*args, **kwargs)
    return _PySimpleQueue(*args, **kwargs)  # built on threading.Lock: models when made here


def created_as_models(call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run ``call`` (the import of the code under test) so the primitives it creates are models.

    Not thread-safe against another thread importing at the same moment: the loader calls it from
    the test session's main thread.
    """
    names = [(threading, "Lock", _import_lock), (threading, "RLock", _import_rlock),
             (_thread, "allocate_lock", _import_lock), (_thread, "allocate", _import_lock),
             (queue, "SimpleQueue", _import_simple_queue)]
    if _orig_thread_RLock is not None:
        names.append((_thread, "RLock", _import_rlock))
    saved = [(owner, name, vars(owner)[name]) for owner, name, _ in names if name in vars(owner)]
    try:
        for owner, name, value in names:
            if name in vars(owner):
                setattr(owner, name, value)
        return call(*args, **kwargs)
    finally:
        for owner, name, value in saved:
            setattr(owner, name, value)


def _reset_imported() -> None:
    """Each run starts with the import-time models free (or held, if held outside the run)."""
    for model in list(_IMPORTED):
        fallback = model._fallback
        if isinstance(model, ModelLock):
            model._outside = fallback is not None and fallback.locked()
        else:
            model._outside = fallback is not None and _rlock_held(fallback)
        model._reset()


# ------------------------------------------------------------------------------------ condition


class _Notify:
    """One waiter of a Condition, as the engine models it."""

    __slots__ = ("run", "rec", "notified", "condition")

    def __init__(self, run: Run, rec: ThreadRecord, condition: Any) -> None:
        self.run = run
        self.rec = rec
        self.notified = False
        self.condition = condition

    def describe(self) -> str:
        lock = getattr(self.condition, "_lock", None)
        label = getattr(lock, "label", None)
        return f"a notify() on the Condition of {label}" if label else "a notify() on a Condition"


def _cond_wait(self: Any, timeout: float | None = None) -> bool:
    run, rec = _current()
    if rec is None:
        return _orig_cond_wait(self, timeout)
    if not self._is_owned():
        raise RuntimeError("cannot wait on un-acquired lock")
    waiters = self.__dict__.get("_ag_waiters")
    if waiters is None:
        waiters = self.__dict__["_ag_waiters"] = collections.deque()
    token = _Notify(run, rec, self)  # type: ignore[arg-type]
    waiters.append(token)
    saved = self._release_save()
    notified = False
    try:
        if timeout is None or timeout > 0:
            if timeout is not None:
                _check_wait_timeout(timeout)  # where CPython's waiter.acquire(True, timeout) raises
            run.enter(rec)  # type: ignore[union-attr]
            try:
                deadline = None if timeout is None else run.now() + timeout  # type: ignore[union-attr]
                while not token.notified:
                    if run.block(rec, token, deadline):  # type: ignore[union-attr]
                        break
            finally:
                run.leave()  # type: ignore[union-attr]
        notified = token.notified
        return notified
    finally:
        self._acquire_restore(saved)
        if not notified:
            try:
                waiters.remove(token)
            except ValueError:
                pass


def _cond_notify(self: Any, n: int = 1) -> None:
    run, rec = _current()
    if rec is None:
        return _orig_cond_notify(self, n)
    if not self._is_owned():
        raise RuntimeError("cannot notify on un-acquired lock")
    waiters = self.__dict__.get("_ag_waiters")
    if not waiters:
        return None
    run.enter(rec)  # type: ignore[union-attr]
    try:
        woken = 0
        while waiters and woken < n:
            token = waiters.popleft()
            if token.run is not run or token.rec.state == FINISHED:
                continue
            token.notified = True
            run.wake(token.rec)  # type: ignore[union-attr]
            woken += 1
    finally:
        run.leave()  # type: ignore[union-attr]
    return None


def _cond_notify_all(self: Any) -> None:
    run, rec = _current()
    if rec is None:
        return _orig_cond_notify_all(self)
    waiters = self.__dict__.get("_ag_waiters")
    return _cond_notify(self, len(waiters) if waiters else 0)


# -------------------------------------------------------------------------------------- threads


class JoinWait:
    __slots__ = ("target",)

    def __init__(self, target: ThreadRecord) -> None:
        self.target = target

    def describe(self) -> str:
        return f"{self.target.name} to finish (join)"


def _thread_start(self: threading.Thread) -> None:
    run, rec = _current()
    if rec is None:
        return _orig_thread_start(self)
    if not self._initialized:  # type: ignore[attr-defined]
        raise RuntimeError("thread.__init__() not called")
    if self.__dict__.get("_ag_record") is not None or self._started.is_set():  # type: ignore[attr-defined]
        raise RuntimeError("threads can only be started once")
    child = run.spawn(self, self.run, self.name, self.daemon, rec)  # type: ignore[union-attr]
    self._ag_record = child  # type: ignore[attr-defined]
    self._started.set()  # type: ignore[attr-defined]
    return None


def _thread_join(self: threading.Thread, timeout: float | None = None) -> None:
    target = self.__dict__.get("_ag_record")
    if target is None:
        return _orig_thread_join(self, timeout)
    if target.state == FINISHED:
        return None
    run, rec = _current()
    if rec is None or target.run is not run:
        # joined from outside the scenario: wait for the real OS thread to end (and leave the
        # lock as it was, for the engine's own reaping)
        if target.exited.acquire(True, -1 if timeout is None else max(timeout, 0)):
            target.exited.release()
        return None
    if target is rec:
        raise RuntimeError("cannot join current thread")
    if timeout is not None and timeout > 0:
        _check_wait_timeout(timeout)  # CPython's join hands it to the thread's lock: same errors
    run.enter(rec)  # type: ignore[union-attr]
    try:
        if timeout is not None and timeout <= 0:
            return None
        deadline = None if timeout is None else run.now() + timeout  # type: ignore[union-attr]
        while target.state != FINISHED:
            target.joiners.append(rec)
            timed_out = run.block(rec, JoinWait(target), deadline)  # type: ignore[union-attr]
            if rec in target.joiners:
                target.joiners.remove(rec)
            if timed_out:
                break
    finally:
        run.leave()  # type: ignore[union-attr]
    return None


def _thread_is_alive(self: threading.Thread) -> bool:
    target = self.__dict__.get("_ag_record")
    if target is None:
        return _orig_thread_is_alive(self)
    return target.state != FINISHED


def _start_new_thread(function: Callable[..., Any], args: tuple, kwargs: dict | None = None) -> int:
    run, rec = _current()
    if rec is None:
        return _orig_start_new_thread(function, args, *([kwargs] if kwargs is not None else []))
    if not isinstance(args, tuple):
        raise TypeError("2nd arg must be a tuple")
    if kwargs is not None and not isinstance(kwargs, dict):
        raise TypeError("optional 3rd arg must be a dictionary")
    if not callable(function):
        raise TypeError("first arg must be callable")
    thread = threading.Thread(target=function, args=args, kwargs=kwargs, daemon=True)
    child = run.spawn(thread, thread.run, thread.name, True, rec)  # type: ignore[union-attr]
    thread._ag_record = child  # type: ignore[attr-defined]
    thread._started.set()  # type: ignore[attr-defined]
    return child.ident  # type: ignore[return-value]


# ------------------------------------------------------------------- deterministic set ordering
#
# Sets of threads and futures are iterated in hash order, and the default hash is the object's
# address, which differs from run to run (ThreadPoolExecutor.shutdown joins a *set* of threads;
# as_completed yields from sets). Objects made inside a run hash by their creation number instead,
# so the same schedule sees the same order.


def _with_run_hash(original_init: Callable[..., None]) -> Callable[..., None]:
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        run, rec = _current()
        if rec is not None and "_ag_hash" not in self.__dict__:
            run.hashes += 1  # type: ignore[union-attr]
            self.__dict__["_ag_hash"] = run.hashes  # type: ignore[union-attr]
        original_init(self, *args, **kwargs)

    __init__.__wrapped__ = original_init  # type: ignore[attr-defined]
    return __init__


def _run_hash(self: Any) -> int:
    value = self.__dict__.get("_ag_hash")
    return value if value is not None else object.__hash__(self)


# ------------------------------------------------------------------------- pipes and sockets
#
# Some of the standard library waits for a pipe or a socket that another thread of the same program
# writes to: multiprocessing.pool.ThreadPool's worker handler waits with multiprocessing.connection.wait
# for its change notifier (a pipe); asyncio's event loop waits in its selector for its self-pipe (a
# socket pair) that call_soon_threadsafe writes, which is how asyncio.to_thread hands back a result.
# Those waits block in the kernel, where the engine cannot see them end. When every descriptor a
# selector waits for is a pipe or socket pair that a thread of this run created (and no process was
# forked since, whose copies could write to it), only the run's own threads can make it readable: the
# wait is then modelled, a blocked thread that the engine wakes at its next decision once a
# non-blocking poll finds something to read, with its timeout on the virtual clock.


class WaitingForIO:
    __slots__ = ("what",)

    def __init__(self, what: str) -> None:
        self.what = what

    def describe(self) -> str:
        return self.what


def _pipe() -> tuple[int, int]:
    fds = _orig_pipe()
    run, rec = _current()
    if rec is not None:
        run.own_fds.update(fds)  # type: ignore[union-attr]
    return fds


def _socketpair(*args: Any, **kwargs: Any) -> Any:
    pair = _orig_socketpair(*args, **kwargs)
    run, rec = _current()
    if rec is not None:
        run.own_fds.update(sock.fileno() for sock in pair)  # type: ignore[union-attr]
    return pair


def _note_fork() -> None:
    if RUN is not None:
        RUN.forked = True


def _spawning(original: Callable[..., Any]) -> Callable[..., Any]:
    """``original`` (a way to start a program) that first notes, like a fork, that another process may
    now write to the run's pipes."""
    def start(*args: Any, **kwargs: Any) -> Any:
        _note_fork()
        return original(*args, **kwargs)

    start.__name__ = getattr(original, "__name__", "start")
    return start


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_note_fork)


def _selector_select(original: Callable[..., Any]) -> Callable[..., Any]:
    def select(self: Any, timeout: float | None = None) -> Any:
        run, rec = _current()
        if rec is None or run.forked:  # type: ignore[union-attr]
            return original(self, timeout)
        try:
            fds = [key.fd for key in self.get_map().values()]
        except (AttributeError, RuntimeError):
            return original(self, timeout)
        own = run.own_fds  # type: ignore[union-attr]
        if not fds or not all(fd in own for fd in fds):
            return original(self, timeout)  # something outside the run may make it ready: wait for real
        deadline = None
        if timeout is not None and timeout > 0:
            deadline = run.now() + timeout  # type: ignore[union-attr]
        waiting = WaitingForIO(f"a pipe or socket to become readable ({type(self).__name__}.select)")
        while True:
            ready = original(self, 0)
            if ready or (timeout is not None and timeout <= 0):
                return ready
            if not run.io_wait(rec, lambda: bool(original(self, 0)), waiting, deadline):  # type: ignore[union-attr]
                return []

    select.__name__ = "select"
    select.__wrapped__ = original  # type: ignore[attr-defined]
    return select


# ----------------------------------------------------------------------------------------- time


def _seconds(secs: Any) -> float:
    """``time.sleep``'s argument as seconds, rejected exactly as CPython rejects it.

    A free real lock's ``acquire(True, secs)`` parses a timeout with the same C function as
    ``time.sleep`` and returns at once, so it raises CPython's own TypeError, NaN ValueError and
    OverflowError; only its words for a negative value and its own upper limit differ.
    """
    probe = _orig_allocate_lock()
    try:
        if probe.acquire(True, secs):
            probe.release()
    except ValueError as exc:
        if "NaN" in str(exc):
            raise
        raise ValueError("sleep length must be non-negative") from None
    except OverflowError as exc:
        if "timestamp" in str(exc):  # too large for the clock: time.sleep says the same
            raise
        # otherwise only above the lock's own limit (threading.TIMEOUT_MAX): a valid sleep
    value = float(secs)
    if value < 0:
        raise ValueError("sleep length must be non-negative")
    return value


def _sleep(secs: float) -> None:
    run, rec = _current()
    if rec is None:
        return _orig_sleep(secs)
    run.sleep(rec, _seconds(secs))  # type: ignore[union-attr]
    return None


def _virtual(real: Callable[[], float], base_name: str) -> Callable[[], float]:
    def now() -> float:
        run, rec = _current()
        if rec is None:
            return real()
        run.clock += CLOCK_READ_COST  # type: ignore[union-attr]  # reading the clock takes time too
        return getattr(ENGINE, base_name) + run.now()  # type: ignore[union-attr]

    now.__name__ = real.__name__
    now.__doc__ = real.__doc__
    return now


def _virtual_ns(real: Callable[[], int], base_name: str) -> Callable[[], int]:
    def now_ns() -> int:
        run, rec = _current()
        if rec is None:
            return real()
        run.clock += CLOCK_READ_COST  # type: ignore[union-attr]
        return int(round((getattr(ENGINE, base_name) + run.now()) * 1e9))  # type: ignore[union-attr]

    now_ns.__name__ = real.__name__
    return now_ns


_monotonic = _virtual(_orig_monotonic, "base_monotonic")
_time = _virtual(_orig_time, "base_time")
_perf_counter = _virtual(_orig_perf_counter, "base_perf")
_monotonic_ns = _virtual_ns(_orig_monotonic_ns, "base_monotonic")
_time_ns = _virtual_ns(_orig_time_ns, "base_time")
_perf_counter_ns = _virtual_ns(_orig_perf_counter_ns, "base_perf")


def _simple_queue(*args: Any, **kwargs: Any) -> Any:
    run, rec = _current()
    if rec is None:
        return _OrigSimpleQueue(*args, **kwargs)
    return _PySimpleQueue(*args, **kwargs)


# -------------------------------------------------------------------------------- tamper guards


def _guard(original: Callable[..., Any], what: str, applies: Callable[..., bool]) -> Callable[..., Any]:
    def guarded(*args: Any, **kwargs: Any) -> Any:
        run, rec = _current()
        if rec is not None and applies(*args, **kwargs):
            run.tampered(rec, what)  # type: ignore[union-attr]
        return original(*args, **kwargs)

    guarded.__name__ = getattr(original, "__name__", "guarded")
    guarded.__doc__ = getattr(original, "__doc__", None)
    return guarded


# ------------------------------------------------------------------------------------- patching


class Patcher:
    """Installs the patches for one explore/replay call and takes every one of them away again."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self._undo: list[Callable[[], None]] = []
        self._adopted: list[Any] = []

    def _set(self, owner: Any, name: str, value: Any) -> None:
        had = name in vars(owner)
        old = vars(owner).get(name)

        def undo() -> None:
            if had:
                setattr(owner, name, old)
            else:
                delattr(owner, name)

        setattr(owner, name, value)
        self._undo.append(undo)

    def _set_item(self, container: Any, key: Any, value: Any) -> None:
        old = container[key]

        def undo() -> None:
            container[key] = old

        container[key] = value
        self._undo.append(undo)

    def install(self) -> None:
        import concurrent.futures.thread as cf_thread

        replacements: dict[int, tuple[Any, Any]] = {}

        def patch(owner: Any, name: str, value: Any) -> None:
            old = getattr(owner, name, None)
            if old is None:
                return
            replacements[id(old)] = (old, value)
            self._set(owner, name, value)

        patch(threading, "Lock", _lock_factory)
        patch(threading, "RLock", _rlock_factory)
        patch(_thread, "allocate_lock", _lock_factory)
        patch(_thread, "allocate", _lock_factory)
        if _orig_thread_RLock is not None:
            patch(_thread, "RLock", _rlock_factory)
        patch(_thread, "start_new_thread", _start_new_thread)
        patch(_thread, "start_new", _start_new_thread)
        patch(time, "sleep", _sleep)
        patch(time, "monotonic", _monotonic)
        patch(time, "time", _time)
        patch(time, "perf_counter", _perf_counter)
        patch(time, "monotonic_ns", _monotonic_ns)
        patch(time, "time_ns", _time_ns)
        patch(time, "perf_counter_ns", _perf_counter_ns)
        patch(queue, "SimpleQueue", _simple_queue)
        self._set(queue, "time", _monotonic)
        self._set(threading, "_time", _monotonic)
        self._set(threading.Condition, "wait", _cond_wait)
        self._set(os, "pipe", _pipe)
        self._set(socket, "socketpair", _socketpair)
        # subprocess starts its programs without os.fork's hooks (fork_exec, posix_spawn): another
        # process then holds the write end of the pipes the run made, and only the kernel sees it write
        if _posixsubprocess is not None and hasattr(_posixsubprocess, "fork_exec"):
            self._set(_posixsubprocess, "fork_exec", _spawning(_posixsubprocess.fork_exec))
        if getattr(subprocess, "_fork_exec", None) is not None:  # its own reference to fork_exec
            self._set(subprocess, "_fork_exec", _spawning(subprocess._fork_exec))
        for name in ("posix_spawn", "posix_spawnp"):
            if hasattr(os, name):
                self._set(os, name, _spawning(getattr(os, name)))
        for name in ("SelectSelector", "PollSelector", "EpollSelector", "DevpollSelector", "KqueueSelector"):
            cls = getattr(selectors, name, None)
            if cls is not None and "select" in vars(cls):
                self._set(cls, "select", _selector_select(vars(cls)["select"]))
        base = getattr(selectors, "_PollLikeSelector", None)
        if base is not None and "select" in vars(base):
            self._set(base, "select", _selector_select(vars(base)["select"]))
        self._set(threading.Condition, "notify", _cond_notify)
        self._set(threading.Condition, "notify_all", _cond_notify_all)
        self._set(threading.Condition, "notifyAll", _cond_notify_all)
        self._set(threading.Thread, "start", _thread_start)
        self._set(threading.Thread, "join", _thread_join)
        self._set(threading.Thread, "is_alive", _thread_is_alive)
        self._set(threading, "_counter", itertools.count(1).__next__)
        from concurrent.futures import Future

        for cls in (threading.Thread, Future):
            if cls.__hash__ is object.__hash__:
                self._set(cls, "__init__", _with_run_hash(cls.__init__))
                self._set(cls, "__hash__", _run_hash)
        self._set(cf_thread.ThreadPoolExecutor, "_counter", itertools.count().__next__)
        backend = self.engine.backend
        # Student code has no business tracing: calling settrace fails the run on every version,
        # so a grade never depends on which backend the engine uses.
        always = lambda *a, **k: True  # noqa: E731
        self._set(sys, "settrace", _guard(sys.settrace, "sys.settrace()", always))
        self._set(threading, "settrace", _guard(threading.settrace, "threading.settrace()", always))
        if hasattr(threading, "settrace_all_threads"):
            self._set(threading, "settrace_all_threads",
                      _guard(threading.settrace_all_threads, "threading.settrace_all_threads()", always))
        if backend.name != "settrace":
            mon = sys.monitoring
            ours = lambda tool, *a, **k: tool == backend.tool  # noqa: E731
            for name in ("set_events", "set_local_events", "free_tool_id", "register_callback"):
                self._set(mon, name, _guard(getattr(mon, name), f"sys.monitoring.{name}()", ours))
        self._substitute_and_adopt(replacements)

    def before_run(self) -> None:
        """Fresh thread names and fresh adopted-lock state for every run."""
        import concurrent.futures.thread as cf_thread

        threading._counter = itertools.count(1).__next__  # type: ignore[attr-defined]
        cf_thread.ThreadPoolExecutor._counter = itertools.count().__next__  # type: ignore[attr-defined]
        for lock in self._adopted:
            lock._reset()
        _reset_imported()

    def uninstall(self) -> None:
        while self._undo:
            undo = self._undo.pop()
            try:
                undo()
            except (AttributeError, TypeError, KeyError, IndexError):
                pass
        self._adopted.clear()

    # -------------------------------------------------- student modules loaded before the call

    def _substitute_and_adopt(self, replacements: dict[int, tuple[Any, Any]]) -> None:
        """Point ``from threading import Lock``-style names at the models, and adopt real locks.

        A lock the code under test created at import time (a module global, a class attribute, an
        element of a module-level list or dict, an attribute of a module-level object) is a real
        lock; the engine swaps in a model for the duration of the call and puts the original back.
        """
        scope = self.engine.scope
        # with the default scope, a module found out of scope once stays out (its file decides):
        # remembered by identity for the process, so each explore skips the ~1,000 library modules
        remember = scope.default
        for module in list(sys.modules.values()):
            if _OUT_OF_SCOPE.get(id(module)) is module:
                continue
            filename = getattr(module, "__file__", None)
            if not isinstance(module, ModuleType) or not filename or not scope.file(filename):
                if remember and isinstance(module, ModuleType) and isinstance(filename, str) and filename:
                    _OUT_OF_SCOPE[id(module)] = module
                continue
            for name, value in list(vars(module).items()):
                hit = replacements.get(id(value))
                if hit is not None and hit[0] is value:
                    self._set(module, name, hit[1])
                elif not name.startswith("__"):
                    self._adopt(module, name, value, name, 0, module.__name__)

    def _adopt(self, owner: Any, key: Any, value: Any, path: str, depth: int, modname: str) -> None:
        setter = self._set_item if isinstance(owner, (list, dict)) else self._set
        model = self._model_for(value, path)
        if model is not None:
            setter(owner, key, model)
            return
        if isinstance(value, _OrigCondition):
            if isinstance(vars(value).get("_lock"), (_REAL_LOCK_TYPE,) + _REAL_RLOCK_TYPES):
                self._adopt_condition(value, path)
            return
        if depth >= 2:
            return
        if isinstance(value, type):
            if value.__module__ == modname and depth == 0:
                for name, attr in list(vars(value).items()):
                    if not name.startswith("__"):
                        self._adopt(value, name, attr, f"{value.__name__}.{name}", depth + 1, modname)
        elif isinstance(value, list):
            for i, item in enumerate(list(value)):
                self._adopt(value, i, item, f"{path}[{i}]", depth + 1, modname)
        elif isinstance(value, dict):
            for k, item in list(value.items()):
                self._adopt(value, k, item, f"{path}[{k!r}]", depth + 1, modname)
        elif not isinstance(value, ModuleType) and _in_scope_class(self.engine.scope, type(value)):
            for name, attr in list(getattr(value, "__dict__", {}).items()):
                self._adopt(value, name, attr, f"{path}.{name}", depth + 1, modname)

    def _model_for(self, value: Any, path: str) -> Any:
        if isinstance(value, _REAL_LOCK_TYPE):
            model: Any = ModelLock(f"Lock {path}")
            model._outside = value.locked()
        elif isinstance(value, _REAL_RLOCK_TYPES):
            model = ModelRLock(f"RLock {path}")
            model._outside = _rlock_held(value)
        else:
            return None
        model._reset()
        self._adopted.append(model)
        return model

    def _adopt_condition(self, cond: Any, path: str) -> None:
        model = self._model_for(vars(cond)["_lock"], f"{path} (its lock)")
        self._set(cond, "_lock", model)
        for name in ("acquire", "release", "_release_save", "_acquire_restore", "_is_owned"):
            method = getattr(model, name, None)
            if method is not None:
                self._set(cond, name, method)


def _rlock_held(lock: Any) -> bool:
    if lock.acquire(False):
        lock.release()
        return False
    return True


def _in_scope_class(scope: Any, cls: type) -> bool:
    module = sys.modules.get(cls.__module__)
    filename = getattr(module, "__file__", None)
    return bool(filename) and scope.file(filename)
