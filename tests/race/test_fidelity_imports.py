"""Primitives a student's module creates at import time are modelled wherever they are kept.

The module is loaded the way the grader loads it (``testing.plugin.load_student_module``). Each
correct version contends for its lock under the engine without a real-time wait (the run stays
fully controlled); each version missing the lock is caught. Outside a run the same objects behave
like real locks.
"""

from __future__ import annotations

import copy
import pickle
import threading
import uuid
from pathlib import Path

import pytest

from autograder import race
from autograder.race.primitives import created_as_models
from autograder.testing.plugin import load_student_module

HEADER = "import functools\nimport threading\n\n\nclass Counter:\n    def __init__(self):\n        self.value = 0\n\n\n"

SOURCES = {
    "decorator closure": '''
def synchronized(fn):
    lock = threading.Lock()

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        {with}
            return fn(*args, **kwargs)
    return wrapper


@synchronized
def increment(counter):
    value = counter.value
    counter.value = value + 1
''',
    "default argument": '''
def increment(counter, lock=threading.Lock()):
    {with}
        value = counter.value
        counter.value = value + 1
''',
    "module-level dict": '''
LOCKS = {"counter": threading.Lock()}


def increment(counter):
    {with_dict}
        value = counter.value
        counter.value = value + 1
''',
    "RLock in a closure": '''
def _make():
    lock = threading.RLock()

    def increment(counter):
        {with}
            {with}
                value = counter.value
                counter.value = value + 1
    return increment


increment = _make()
''',
    "Semaphore in a partial": '''
def _increment(lock, counter):
    {with}
        value = counter.value
        counter.value = value + 1


increment = functools.partial(_increment, threading.Semaphore(1))
''',
}


def _load(tmp_path: Path, case: str, locked: bool):
    name = f"student_{uuid.uuid4().hex[:8]}"
    body = SOURCES[case]
    if locked:
        body = body.replace("{with_dict}", 'with LOCKS["counter"]:').replace("{with}", "with lock:")
    else:
        body = body.replace("{with_dict}", "if True:").replace("{with}", "if True:")
    (tmp_path / f"{name}.py").write_text(HEADER + body)
    return load_student_module(name, tmp_path)


def _scenario(student):
    def body():
        counter = student.Counter()

        def work():
            for _ in range(3):
                student.increment(counter)

        threads = [threading.Thread(target=work) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert counter.value == 6, f"{6 - counter.value} increments were lost"

    return body


@pytest.mark.parametrize("case", sorted(SOURCES))
def test_an_import_time_lock_is_modelled_wherever_it_is_kept(tmp_path, case):
    student = _load(tmp_path, case, locked=True)
    outcome = race.explore(_scenario(student), seed=4, runs=100, shrink=False,
                           stall_timeout=5, hang_timeout=20)
    assert outcome.ok, outcome.report
    assert outcome.controlled, outcome.report  # a real lock would have stalled a contended acquire


@pytest.mark.parametrize("case", sorted(SOURCES))
def test_the_version_without_the_lock_is_caught(tmp_path, case):
    student = _load(tmp_path, case, locked=False)
    outcome = race.explore(_scenario(student), seed=4, runs=300)
    assert outcome.kind == "assertion", outcome.report


def test_the_models_behave_like_real_primitives_outside_a_run(tmp_path):
    source = (
        "import queue\nimport threading\n"
        "LOCK = threading.Lock()\nRLOCK = threading.RLock()\nCOND = threading.Condition()\n"
        "SEM = threading.BoundedSemaphore(1)\nEVENT = threading.Event()\nQ = queue.Queue()\n"
        "SQ = queue.SimpleQueue()\n"
    )
    (tmp_path / "prims.py").write_text(source)
    m = load_student_module("prims", tmp_path)
    assert "modelled" not in repr(m.LOCK) and "_thread.lock object" in repr(m.LOCK)
    assert "_thread.RLock object" in repr(m.RLOCK)
    assert m.LOCK.acquire() and m.LOCK.locked() and not m.LOCK.acquire(timeout=0.01)
    assert repr(m.LOCK).startswith("<locked")
    m.LOCK.release()
    with pytest.raises(RuntimeError):
        m.LOCK.release()
    with m.RLOCK, m.RLOCK:
        pass
    with pytest.raises(RuntimeError):
        m.RLOCK.release()
    for lock in (m.LOCK, m.RLOCK):
        with pytest.raises(TypeError, match="cannot pickle"):
            pickle.dumps(lock)
        with pytest.raises(TypeError, match="cannot pickle"):
            copy.deepcopy(lock)
    got = []
    waiter = threading.Thread(target=lambda: got.append(m.Q.get(timeout=5)))
    waiter.start()
    m.Q.put("item")
    waiter.join()
    assert got == ["item"]
    with m.COND:
        assert m.COND.wait(timeout=0.01) is False
    assert m.SEM.acquire() and not m.SEM.acquire(timeout=0.01)
    m.SEM.release()
    with pytest.raises(ValueError):
        m.SEM.release()
    m.SQ.put(1)
    assert m.SQ.get(timeout=1) == 1
    m.LOCK._at_fork_reinit()
    assert not m.LOCK.locked()

    # and inside a run, one that ended while a thread held the lock leaves the next run a free lock
    def holds_and_fails():
        m.LOCK.acquire()
        raise AssertionError("fails while holding the lock")

    assert race.explore(holds_and_fails, seed=1, runs=1).kind == "assertion"

    def uses_it():
        with m.LOCK:
            pass

    outcome = race.explore(uses_it, seed=1, runs=2, shrink=False)
    assert outcome.ok, outcome.report
    assert not m.LOCK.locked()


def test_library_modules_imported_on_the_way_keep_real_locks(tmp_path):
    lock_type = type(threading.Lock())
    made = created_as_models(lambda: threading.Lock())  # the caller is this test file: in scope
    assert type(made) is not lock_type
    assert type(threading.Lock()) is lock_type  # the window is closed again
    namespace: dict = {}
    exec(compile("import threading\nLOCK = threading.Lock()\n", "<library>", "exec"), namespace)
    created_as_models(exec, compile("import threading\nLOCK = threading.Lock()\n", "<library>", "exec"),
                      namespace)
    assert type(namespace["LOCK"]) is lock_type
