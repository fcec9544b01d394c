"""Every modelled primitive accepts and rejects exactly what CPython's own does.

One table of calls: each runs once on the real ``threading``/``queue`` outside the engine, and once
inside ``race.explore`` on the engine's models; the result (or the exception's type and message)
must be the same. Timeouts are short, so the real side waits a few milliseconds at most.
"""

from __future__ import annotations

import decimal
import fractions
import queue
import re
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from autograder import race

T = 0.01  # a short timeout: real milliseconds outside, virtual ones inside


def _outcome(fn: Callable[[], Any]) -> tuple:
    try:
        return ("returned", fn())
    except Exception as exc:  # noqa: BLE001 - the exception is the result being compared
        return ("raised", type(exc).__name__, str(exc))


def _in_thread(fn: Callable[[], Any]) -> Any:
    """Run ``fn`` in another thread and give back what it returned or raised."""
    box: list = []
    t = threading.Thread(target=lambda: box.append(_outcome(fn)))
    t.start()
    t.join()
    result = box[0]
    if result[0] == "raised":
        raise {"RuntimeError": RuntimeError, "ValueError": ValueError}.get(result[1], Exception)(result[2])
    return result[1]


def _held_elsewhere(lock: Any, then: Callable[[], Any]) -> Any:
    """``then()`` while another thread holds ``lock``."""
    held, done = threading.Event(), threading.Event()

    def holder():
        lock.acquire()
        held.set()
        done.wait()
        try:
            lock.release()
        except RuntimeError:
            pass  # the case released it already (a Lock may be released by any thread)

    t = threading.Thread(target=holder)
    t.start()
    held.wait()
    try:
        return _outcome(then)
    finally:
        done.set()
        t.join()


def _acquire_twice(lock: Any) -> tuple:
    return lock.acquire(), lock.acquire(blocking=False), lock.acquire(timeout=T), lock.acquire(True, 0)


def _rlock_counts() -> tuple:
    r = threading.RLock()
    got = (r.acquire(), r.acquire(), r.acquire(False))
    r.release()
    r.release()
    r.release()
    return got + (_outcome(r.release),)


def _sem_release_n() -> tuple:
    s = threading.Semaphore(0)
    s.release(3)
    return tuple(s.acquire(timeout=T) for _ in range(4))


def _cond_unlocked(method: str) -> Callable[[], Any]:
    def call() -> Any:
        cond = threading.Condition()
        if method == "wait":
            return cond.wait(T)
        if method == "wait_for_false":
            return cond.wait_for(lambda: False, timeout=T)
        if method == "wait_for_true":
            return cond.wait_for(lambda: True, timeout=T)
        return getattr(cond, method)()
    return call


def _cond_locked(call: Callable[[threading.Condition], Any]) -> Callable[[], Any]:
    def run() -> Any:
        cond = threading.Condition(threading.Lock())
        with cond:
            return call(cond)
    return run


def _event(call: Callable[[threading.Event], Any], set_first: bool = False) -> Callable[[], Any]:
    def run() -> Any:
        e = threading.Event()
        if set_first:
            e.set()
        return call(e), e.is_set()
    return run


def _barrier_action_fails() -> tuple:
    b = threading.Barrier(1, action=lambda: 1 / 0)
    first = _outcome(b.wait)
    return first, b.broken, _outcome(b.wait)


def _barrier_timeout() -> tuple:
    b = threading.Barrier(2, timeout=T)
    return _outcome(b.wait), b.broken, b.n_waiting, _outcome(lambda: b.wait(T))


def _barrier_abort_reset() -> tuple:
    b = threading.Barrier(3)
    b.abort()
    first = (_outcome(b.wait), b.broken)
    b.reset()
    return first, b.broken, b.n_waiting, b.parties


def _barrier_two() -> list:
    b = threading.Barrier(2, action=lambda: None)
    got: list = []
    t = threading.Thread(target=lambda: got.append(b.wait()))
    t.start()
    got.append(b.wait())
    t.join()
    return sorted(got)


def _queue(kind: str, maxsize: int, call: Callable[[Any], Any]) -> Callable[[], Any]:
    def run() -> Any:
        q = getattr(queue, kind)(maxsize) if kind != "SimpleQueue" else queue.SimpleQueue()
        return call(q)
    return run


def _put_get(q: Any) -> tuple:
    for item in (3, 1, 2):
        q.put(item)
    return tuple(q.get() for _ in range(3)), q.qsize(), q.empty()


def _task_done_too_often(q: Any) -> tuple:
    q.put(1)
    q.get()
    q.task_done()
    return _outcome(q.task_done), q.join()


def _thread_twice() -> Any:
    t = threading.Thread(target=lambda: None)
    t.start()
    try:
        return _outcome(t.start)
    finally:
        t.join()


def _thread_daemon_after_start() -> Any:
    ev = threading.Event()
    t = threading.Thread(target=ev.wait)
    t.start()
    try:
        return _outcome(lambda: setattr(t, "daemon", True))
    finally:
        ev.set()
        t.join()


def _timer(cancel_before: bool) -> Callable[[], Any]:
    def run() -> Any:
        fired: list = []
        timer = threading.Timer(60, lambda: fired.append(1))  # cancel() ends the wait at once
        if cancel_before:
            timer.cancel()
        timer.start()
        if not cancel_before:
            timer.cancel()
        timer.join()
        return fired, timer.is_alive(), timer.finished.is_set()
    return run


def _timer_fires() -> Any:
    fired: list = []
    timer = threading.Timer(T, lambda *a, **k: fired.append((a, k)), args=(1,), kwargs={"k": 2})
    timer.start()
    timer.join()
    return fired


CASES: dict[str, Callable[[], Any]] = {
    # Lock
    "Lock.acquire(True, -2)": lambda: threading.Lock().acquire(True, -2),
    "Lock.acquire(timeout=-0.5)": lambda: threading.Lock().acquire(timeout=-0.5),
    "Lock.acquire(False, 1)": lambda: threading.Lock().acquire(False, 1),
    "Lock.acquire(False, -1)": lambda: threading.Lock().acquire(False, -1),
    "Lock.acquire(True, 0)": lambda: threading.Lock().acquire(True, 0),
    "Lock.acquire(timeout=None)": lambda: threading.Lock().acquire(timeout=None),
    "Lock.acquire(timeout='1')": lambda: threading.Lock().acquire(timeout="1"),
    "Lock.acquire(timeout=nan)": lambda: threading.Lock().acquire(timeout=float("nan")),
    "Lock.acquire(timeout=1e100)": lambda: threading.Lock().acquire(timeout=1e100),
    "Lock.acquire(timeout=2**70)": lambda: threading.Lock().acquire(timeout=2**70),
    "Lock.acquire(timeout=-1e-12)": lambda: threading.Lock().acquire(timeout=-1e-12),
    "Lock.acquire(timeout=True)": lambda: threading.Lock().acquire(timeout=True),
    "RLock.acquire(timeout=None)": lambda: threading.RLock().acquire(timeout=None),
    "RLock.acquire(False, -1.0)": lambda: threading.RLock().acquire(False, -1.0),
    "Lock acquired again": lambda: _acquire_twice(threading.Lock()),
    "Lock.release() unlocked": lambda: threading.Lock().release(),
    "Lock held elsewhere, acquire(timeout)": lambda: _held_elsewhere(
        (lock := threading.Lock()), lambda: (lock.acquire(timeout=T), lock.locked())),
    "Lock held elsewhere, released here": lambda: _held_elsewhere(
        (lock := threading.Lock()), lambda: (lock.release(), lock.locked())),  # allowed for a Lock
    # RLock
    "RLock.acquire(True, -2)": lambda: threading.RLock().acquire(True, -2),
    "RLock.acquire(False, 1)": lambda: threading.RLock().acquire(False, 1),
    "RLock.acquire(True, 0)": lambda: threading.RLock().acquire(True, 0),
    "RLock.release() unowned": lambda: threading.RLock().release(),
    "RLock counts": _rlock_counts,
    "RLock held elsewhere, released here": lambda: _held_elsewhere(
        (r := threading.RLock()), r.release),
    "RLock held elsewhere, acquire(timeout)": lambda: _held_elsewhere(
        (r := threading.RLock()), lambda: r.acquire(timeout=T)),
    "RLock held elsewhere, acquire(False)": lambda: _held_elsewhere(
        (r := threading.RLock()), lambda: r.acquire(False)),
    # Semaphore
    "Semaphore(-1)": lambda: threading.Semaphore(-1),
    "BoundedSemaphore(-1)": lambda: threading.BoundedSemaphore(-1),
    "Semaphore(0).acquire(False)": lambda: threading.Semaphore(0).acquire(False),
    "Semaphore(0).acquire(timeout=0)": lambda: threading.Semaphore(0).acquire(timeout=0),
    "Semaphore(0).acquire(timeout=T)": lambda: threading.Semaphore(0).acquire(timeout=T),
    "Semaphore(0).acquire(timeout=-1)": lambda: threading.Semaphore(0).acquire(timeout=-1),
    "Semaphore(1).acquire(False, 1)": lambda: threading.Semaphore(1).acquire(False, 1),
    "Semaphore.release(0)": lambda: threading.Semaphore(1).release(0),
    "Semaphore.release(3)": _sem_release_n,
    "BoundedSemaphore over-release": lambda: threading.BoundedSemaphore(1).release(),
    "BoundedSemaphore release(2)": lambda: (
        (s := threading.BoundedSemaphore(2)).acquire(), _outcome(lambda: s.release(2)), s._value),
    # Condition
    "Condition.wait unlocked": _cond_unlocked("wait"),
    "Condition.wait_for unlocked, False": _cond_unlocked("wait_for_false"),
    "Condition.wait_for unlocked, True": _cond_unlocked("wait_for_true"),
    "Condition.notify unlocked": _cond_unlocked("notify"),
    "Condition.notify_all unlocked": _cond_unlocked("notify_all"),
    "Condition.wait(T)": _cond_locked(lambda c: c.wait(T)),
    "Condition.wait(0)": _cond_locked(lambda c: c.wait(0)),
    "Condition.wait(-1)": _cond_locked(lambda c: c.wait(-1)),
    "Condition.wait_for(False, T)": _cond_locked(lambda c: c.wait_for(lambda: False, T)),
    "Condition.wait_for(0, T)": _cond_locked(lambda c: c.wait_for(lambda: 0, T)),
    "Condition.wait_for(value)": _cond_locked(lambda c: c.wait_for(lambda: "yes")),
    "Condition.notify(0) and notify_all()": _cond_locked(lambda c: (c.notify(0), c.notify_all())),
    "Condition on an RLock, wait(T)": lambda: (
        (c := threading.Condition(threading.RLock())).acquire(), c.acquire(), c.wait(T), c._is_owned()),
    # Event
    "Event.wait(0)": _event(lambda e: e.wait(0)),
    "Event.wait(T)": _event(lambda e: e.wait(T)),
    "Event.wait(-1)": _event(lambda e: e.wait(-1)),
    "Event.wait() when set": _event(lambda e: e.wait(), set_first=True),
    "Event.wait(T) when set": _event(lambda e: e.wait(T), set_first=True),
    "Event.clear": _event(lambda e: e.clear(), set_first=True),
    # Barrier
    "Barrier(0)": lambda: threading.Barrier(0),
    "Barrier(-1)": lambda: threading.Barrier(-1),
    "Barrier(1).wait()": lambda: threading.Barrier(1).wait(),
    "Barrier action raises": _barrier_action_fails,
    "Barrier timeout": _barrier_timeout,
    "Barrier abort and reset": _barrier_abort_reset,
    "Barrier of two": _barrier_two,
    # queue
    "Queue put/get order": _queue("Queue", 0, _put_get),
    "LifoQueue put/get order": _queue("LifoQueue", 0, _put_get),
    "PriorityQueue put/get order": _queue("PriorityQueue", 0, _put_get),
    "SimpleQueue put/get order": _queue("SimpleQueue", 0, lambda q: (q.put(1), q.put(2), q.get(), q.get())),
    "Queue full put(block=False)": _queue("Queue", 1, lambda q: (q.put(1), _outcome(lambda: q.put(2, False)))),
    "Queue full put(timeout=T)": _queue("Queue", 1, lambda q: (q.put(1), _outcome(lambda: q.put(2, timeout=T)))),
    "Queue full put(timeout=-1)": _queue("Queue", 1, lambda q: (q.put(1), _outcome(lambda: q.put(2, timeout=-1)))),
    "Queue put(timeout=-1) with room": _queue("Queue", 1, lambda q: q.put(2, timeout=-1)),
    "Queue put(block=False, timeout=-1)": _queue("Queue", 1, lambda q: (q.put(2, False, -1), q.qsize())),
    "Queue put_nowait full": _queue("Queue", 1, lambda q: (q.put_nowait(1), _outcome(lambda: q.put_nowait(2)))),
    "Queue empty get(block=False)": _queue("Queue", 0, lambda q: q.get(False)),
    "Queue empty get(timeout=T)": _queue("Queue", 0, lambda q: q.get(timeout=T)),
    "Queue empty get(timeout=0)": _queue("Queue", 0, lambda q: q.get(timeout=0)),
    "Queue get(timeout=-1)": _queue("Queue", 0, lambda q: q.get(timeout=-1)),
    "Queue get_nowait": _queue("Queue", 0, lambda q: q.get_nowait()),
    "Queue full/empty": _queue("Queue", 2, lambda q: (q.empty(), q.full(), q.put(1), q.put(2), q.full())),
    "Queue task_done too often": _queue("Queue", 0, _task_done_too_often),
    "Queue task_done with nothing": _queue("Queue", 0, lambda q: q.task_done()),
    "Queue join with nothing": _queue("Queue", 0, lambda q: q.join()),
    "SimpleQueue get(False)": _queue("SimpleQueue", 0, lambda q: q.get(False)),
    "SimpleQueue get(timeout=T)": _queue("SimpleQueue", 0, lambda q: q.get(timeout=T)),
    "SimpleQueue get(timeout=-1)": _queue("SimpleQueue", 0, lambda q: q.get(timeout=-1)),
    "SimpleQueue put then get(timeout=-1)": _queue("SimpleQueue", 0, lambda q: (q.put(5), q.get(timeout=-1))),
    # Thread and Timer
    "Thread.join before start": lambda: threading.Thread(target=lambda: None).join(),
    "Thread.join itself": lambda: _in_thread(lambda: threading.current_thread().join()),
    "Thread.start twice": _thread_twice,
    "Thread.is_alive before start": lambda: threading.Thread(target=lambda: None).is_alive(),
    "Thread.daemon after start": _thread_daemon_after_start,
    "Thread.join(T) returns None": lambda: _held_elsewhere(threading.Lock(), lambda: None),
    "Thread.join(timeout) on a waiting thread": lambda: (
        (ev := threading.Event()), (t := threading.Thread(target=ev.wait)), t.start(),
        t.join(T), t.is_alive(), ev.set(), t.join(), t.is_alive())[3:],
    "Thread not initialised": lambda: type("Bad", (threading.Thread,), {"__init__": lambda self: None})().start(),
    "Timer cancelled before start": _timer(True),
    "Timer cancelled after start": _timer(False),
    "Timer fires with args": _timer_fires,
    # time.sleep, on the virtual clock
    "time.sleep(-1)": lambda: time.sleep(-1),
    "time.sleep(None)": lambda: time.sleep(None),
    "time.sleep('1')": lambda: time.sleep("1"),
    "time.sleep(nan)": lambda: time.sleep(float("nan")),
    "time.sleep(inf)": lambda: time.sleep(float("inf")),
    "time.sleep(2**70)": lambda: time.sleep(2**70),
    "time.sleep(True)": lambda: (time.sleep(False), "slept"),
    "time.sleep(Decimal)": lambda: time.sleep(decimal.Decimal("0.001")),
    "time.sleep(Fraction)": lambda: time.sleep(fractions.Fraction(1, 1000)),
    "time.sleep(0)": lambda: time.sleep(0),
    "time.sleep(T)": lambda: time.sleep(T),
}


def _same(result: tuple) -> str:
    """The result as text, without object addresses (two runs make two objects)."""
    return re.sub(r" at 0x[0-9a-fA-F]+", "", repr(result))


def _real(fn: Callable[[], Any]) -> str:
    return _same(_outcome(fn))


def _modelled(fn: Callable[[], Any]) -> str:
    got: list = []

    def body() -> None:
        got.append(_outcome(fn))

    outcome = race.explore(body, seed=5, runs=1, shrink=False)
    assert outcome.ok, outcome.report
    assert outcome.controlled, outcome.report
    return _same(got[-1])


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_model_answers_as_cpython_does(name):
    fn = CASES[name]
    assert _modelled(fn) == _real(fn)
