"""Read-modify-writes inside pure-Python standard-library code are interleaved like the student's.

Each racy body below loses updates with real threads on CPython 3.11 (checked with
``sys.setswitchinterval(1e-6)``: ``Counter.update`` with a mapping, ``MutableMapping.setdefault`` on
a ``UserDict``, ``WeakValueDictionary.setdefault``, ``MutableMapping.pop`` on a ``UserDict``, whose
second ``del`` raises KeyError); the engine must catch each, and pass each
locked twin on every schedule. ``Counter.update`` with a list runs in C (``_count_elements``), is
atomic for real threads, and must pass unlocked.
"""

from __future__ import annotations

import collections
import threading
import weakref

import pytest

from autograder import race
from autograder.race.scope import Scope, library_file


def _run(worker, n: int = 2) -> None:
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def counter_update(locked: bool):
    def body():
        counts = collections.Counter()
        lock = threading.Lock()

        def worker(i):
            for _ in range(3):
                if locked:
                    with lock:
                        counts.update({"word": 1})
                else:
                    counts.update({"word": 1})

        _run(worker)
        assert counts["word"] == 6, f"{6 - counts['word']} updates were lost"

    return body


def userdict_setdefault(locked: bool):
    def body():
        groups = collections.UserDict()
        lock = threading.Lock()

        def worker(i):
            if locked:
                with lock:
                    groups.setdefault("key", []).append(i)
            else:
                groups.setdefault("key", []).append(i)

        _run(worker)
        assert sorted(groups["key"]) == [0, 1], f"an append was lost: {groups['key']}"

    return body


class Resource:
    pass


def weakvalue_setdefault(locked: bool):
    def body():
        registry = weakref.WeakValueDictionary()
        lock = threading.Lock()
        got, keep = [], []

        def worker(i):
            mine = Resource()
            keep.append(mine)
            if locked:
                with lock:
                    got.append(registry.setdefault("db", mine))
            else:
                got.append(registry.setdefault("db", mine))

        _run(worker)
        assert got[0] is got[1], "two threads got two different shared resources"

    return body


def userdict_pop(locked: bool):
    def body():
        jobs = collections.UserDict({"job": "payload"})
        lock = threading.Lock()
        taken, errors = [], []

        def worker(i):
            try:
                if locked:
                    with lock:
                        job = jobs.pop("job", None)  # MutableMapping.pop: read, then delete
                else:
                    job = jobs.pop("job", None)
            except KeyError as exc:
                errors.append(exc)
                return
            if job is not None:
                taken.append(job)

        _run(worker)
        assert taken == ["payload"] and not errors, f"taken {taken}, errors {errors}"

    return body


CASES = {
    "Counter.update(mapping)": counter_update,
    "UserDict.setdefault": userdict_setdefault,
    "WeakValueDictionary.setdefault": weakvalue_setdefault,
    "UserDict.pop": userdict_pop,
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("seed", range(3))
def test_unlocked_library_read_modify_write_is_caught(name, seed):
    outcome = race.explore(CASES[name](False), seed=seed, runs=300)
    assert outcome.kind == "assertion", outcome.report


@pytest.mark.parametrize("name", sorted(CASES))
def test_locked_library_read_modify_write_passes(name):
    outcome = race.explore(CASES[name](True), seed=7, runs=150, shrink=False)
    assert outcome.ok, outcome.report
    assert outcome.controlled


def test_counter_update_with_a_list_is_atomic_as_in_cpython():
    def body():
        counts = collections.Counter()

        def worker(i):
            for _ in range(3):
                counts.update(["word"])  # C code (_count_elements): no switch inside

        _run(worker)
        assert counts["word"] == 6

    outcome = race.explore(body, seed=1, runs=150, shrink=False)
    assert outcome.ok, outcome.report


def test_library_code_called_by_the_grader_stays_atomic():
    """The same library function, called from code out of scope, adds no preemption points."""
    namespace: dict = {}
    # harness code: a file name out of scope (like the grader's own modules)
    exec(compile("def bump(counts):\n    counts.update({'x': 1})\n", "<harness>", "exec"), namespace)
    bump = namespace["bump"]

    def body():
        counts = collections.Counter()

        def worker(i):
            for _ in range(3):
                bump(counts)

        _run(worker)
        assert counts["x"] == 6

    outcome = race.explore(body, seed=1, runs=150, shrink=False)
    assert outcome.ok, outcome.report


def test_which_library_files_are_interleaved():
    import collections as c
    import logging
    import queue
    import threading as t
    import weakref as w
    from concurrent.futures import thread as cft

    assert library_file(c.__file__)
    assert library_file(w.__file__)
    for module in (t, queue, logging, cft):
        assert not library_file(module.__file__), module.__name__
    assert not library_file(race.__file__)
    assert not library_file(pytest.__file__)
    assert not Scope(library=False).library(collections.Counter.update.__code__)
    assert Scope().library(collections.Counter.update.__code__)
