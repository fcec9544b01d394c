"""Real-CPython checks for the ``pipeline`` fairness samples (loaded by prove.py: ``prove(m, c, folder)``).

Every check uses real threads (prove_one sets the switch interval to 1e-6) and returns None or
what it saw. A sample that never returns is caught with ``in_thread`` timeouts, so one hung
check does not stop the others.
"""

# ruff: noqa: B023, E701, E702 - as in prove.py: the closures are called at once inside their loop, and short
# start/join loops stay on one line.

from __future__ import annotations

import resource
import threading
import time
from collections import Counter
from pathlib import Path

from prove import Checks, in_thread, thread_errors


class Boom(Exception):
    """What the checks' process raises on purpose."""


def _cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


class Work:
    """A process() that records every call, its thread and how many calls overlap."""

    def __init__(self, seconds: float = 0.0, failing=frozenset()) -> None:
        self.seconds = seconds
        self.failing = failing
        self.lock = threading.Lock()
        self.calls: list = []
        self.threads: set = set()
        self.active = 0
        self.peak = 0
        self.raised: dict = {}

    def __call__(self, item):
        with self.lock:
            self.calls.append(item)
            self.threads.add(threading.get_ident())
            self.active += 1
            self.peak = max(self.peak, self.active)
        try:
            if self.seconds:
                time.sleep(self.seconds)
        finally:
            with self.lock:
                self.active -= 1
        if item in self.failing:
            exc = Boom(f"failed on {item!r}")
            with self.lock:
                self.raised[item] = exc
            raise exc
        return ("done", item)


def _verify(result, items, work: Work, what: str) -> str | None:
    """Every item processed exactly once; (results, errors) say exactly that."""
    if not (isinstance(result, tuple) and len(result) == 2):
        return f"{what}: returned {result!r:.80}, not a pair"
    results, errors = result
    if not isinstance(results, list) or not isinstance(errors, list):
        return f"{what}: results/errors are {type(results).__name__}/{type(errors).__name__}, not lists"
    calls = Counter(work.calls)
    twice = [i for i, n in calls.items() if n > 1]
    missing = [i for i in items if i not in calls]
    if twice or missing:
        return f"{what}: {len(missing)} of {len(items)} items never processed, {len(twice)} processed twice " \
               f"(e.g. {(missing or twice)[0]!r})"
    want = Counter(("done", i) for i in items if i not in work.failing)
    if Counter(results) != want:
        return f"{what}: {sum(want.values())} results expected, got {len(results)} " \
               f"({sum((want - Counter(results)).values())} missing)"
    if len(errors) != len(work.raised):
        return f"{what}: {len(errors)} errors reported for {len(work.raised)} failed items"
    for entry in errors:
        if not (isinstance(entry, tuple) and len(entry) == 2):
            return f"{what}: error entry {entry!r:.60} is not an (item, exception) pair"
        item, exc = entry
        if work.raised.get(item) is not exc:
            return f"{what}: error reported as ({item!r}, {exc!r}), but process raised " \
                   f"{work.raised[item]!r} for that item" if item in work.raised else \
                   f"{what}: error reported as ({item!r}, {exc!r}), but process did not fail for that item"
    return None


def _timed(fn, timeout: float, what: str):
    """Run fn in a daemon thread; a string if it hung or raised, else (None, result)."""
    done, r = in_thread(fn, timeout)
    if not done:
        return f"{what} did not return within {timeout:.0f} s (a thread waits forever)", None
    if isinstance(r, BaseException):
        return f"{what} raised {type(r).__name__}: {r}", None
    return None, r


def prove(m, c: Checks, folder: Path) -> None:
    P, run = m.Pipeline, m.run_pipeline

    def arguments():
        for n, size in ((0, 4), (2, 0), (-1, 3), (2, -2)):
            before = threading.active_count()
            try:
                P(Work(), n, size)
                return f"Pipeline(process, {n}, {size}) accepted"
            except ValueError:
                pass
            time.sleep(0.01)
            if threading.active_count() != before:
                return f"Pipeline(process, {n}, {size}) raised but left threads running"
        try:
            run([[1, 2]], Work(), 2, 0)
            return "run_pipeline(..., maxsize=0) accepted"
        except ValueError:
            pass

    def functional():
        def body():
            p = P(str.upper, n_consumers=2, maxsize=4)
            p.put("a"); p.put("b")
            first = p.close()
            if sorted(first[0]) != ["A", "B"] or first[1] != []:
                return f"str.upper on a, b gave {first!r}"
            try:
                p.put("c")
                return "put() after close() accepted"
            except ValueError:
                pass
            second = p.close()
            if second != first:
                return f"close() twice: {first!r} then {second!r}"
            for sources in ([], [[], []], [[]]):
                w = Work()
                problem = _verify(run(sources, w, 3, 3), [], w, f"run_pipeline({sources})")
                if problem:
                    return problem
            for n, size in ((1, 1), (1, 2), (2, 1), (4, 3)):
                w = Work()
                items = list(range(7))
                problem = _verify(run([items], w, n, size), items, w, f"run_pipeline(one source, {n}, {size})")
                if problem:
                    return problem
        problem, r = _timed(body, 8, "the functional checks")
        return problem or r

    def close_processes_waiting_items():
        # slow consumers: when close() is called, items are still waiting in the queue
        for rep in range(5):
            n, size = 1 + rep % 3, 2 + rep % 3
            w = Work(seconds=0.01)
            items = [f"r{rep}-{i}" for i in range(12)]

            def body():
                p = P(w, n, size)
                for it in items:
                    p.put(it)
                return p.close()
            problem, r = _timed(body, 10, f"rep {rep}: put 12 items then close()")
            problem = problem or _verify(r, items, w, f"rep {rep}: Pipeline({n}, {size}) closed with items waiting")
            if problem:
                return problem

    def put_waits_while_full():
        gate = threading.Event()
        started = threading.Event()

        def process(item):
            started.set()
            gate.wait(10)
            return item
        p = P(process, 1, 2)
        p.put(0)
        if not started.wait(3):
            return "the consumer never started processing the first item"
        p.put(1); p.put(2)  # the queue is full now (the consumer holds item 0)
        putter = threading.Thread(target=p.put, args=(3,), daemon=True)
        putter.start()
        putter.join(0.5)
        if not putter.is_alive():
            gate.set(); p.close()
            return "put() on a full queue (maxsize=2) returned at once instead of waiting"
        gate.set()
        putter.join(5)
        if putter.is_alive():
            return "put() still waited after the consumer went on"
        problem, r = _timed(p.close, 10, "close() after the gate opened")
        if problem:
            return problem
        if sorted(r[0]) != [0, 1, 2, 3] or r[1]:
            return f"after the wait, close() returned {r!r}"

    def errors_reported():
        for rep in range(6):
            n = 1 + rep % 3
            items = [f"e{rep}-{i}" for i in range(16)]
            w = Work(seconds=0.005, failing=frozenset(items[::3]))
            del thread_errors[:]
            problem, r = _timed(lambda: run([items[::2], items[1::2]], w, n, 2), 10,
                                f"rep {rep}: run_pipeline where process fails for 6 of 16 items")
            if thread_errors:
                return f"rep {rep}: a thread died with {thread_errors[0]}"
            problem = problem or _verify(r, items, w, f"rep {rep}: run_pipeline, {n} consumers, 6 failing items")
            if problem:
                return problem

    def every_consumer_stops_and_is_joined():
        for n in (1, 2, 3, 4):
            before = threading.active_count()
            w = Work(seconds=0.02)
            items = list(range(5))

            def body():
                p = P(w, n, 2)
                for it in items:
                    p.put(it)
                return p.close()
            problem, r = _timed(body, 8, f"close() with {n} consumers")
            if problem:
                return problem
            time.sleep(0.01)
            if threading.active_count() > before:
                return f"{threading.active_count() - before} thread(s) still running after close() " \
                       f"of a Pipeline with {n} consumers"
            w = Work(seconds=0.01)
            problem, r = _timed(lambda: run([items, items[:2]], w, n, 1), 8, f"run_pipeline, {n} consumers")
            if problem:
                return problem
            time.sleep(0.01)
            if threading.active_count() > before:
                return f"{threading.active_count() - before} thread(s) still running after run_pipeline " \
                       f"with {n} consumers"

    def bound_holds():
        for rep in range(4):
            maxsize, n_cons, n_src = 1 + rep % 3, 2, 1 + rep % 2
            w = Work(seconds=0.01)
            lock = threading.Lock()
            taken, worst = [0], [0]
            items = list(range(30))

            def source(part):
                for it in part:
                    with lock:
                        taken[0] += 1
                        with w.lock:
                            worst[0] = max(worst[0], taken[0] - len(w.calls))
                    yield it
            bound = maxsize + n_src + n_cons
            problem, r = _timed(lambda: run([source(items[i::n_src]) for i in range(n_src)], w, n_cons, maxsize),
                                10, "run_pipeline with fast sources")
            if problem:
                return problem
            if worst[0] > bound:
                return f"rep {rep}: {worst[0]} items in flight with maxsize={maxsize}, {n_src} source(s), " \
                       f"{n_cons} consumers (at most {bound} possible)"

    def no_busy_wait():
        w = Work()
        items = list(range(6))

        def slow(part):
            for it in part:
                time.sleep(0.25)
                yield it
        t0 = _cpu()
        wall = time.monotonic()
        problem, r = _timed(lambda: run([slow(items[::2]), slow(items[1::2])], w, 3, 2), 20,
                            "run_pipeline with slow sources")
        used, wall = _cpu() - t0, time.monotonic() - wall
        if problem:
            return problem
        if used > 0.25 * wall:
            return f"waiting {wall:.2f} s for slow sources used {used:.2f} s of CPU (busy-wait)"
        return _verify(r, items, w, "run_pipeline with slow sources")

    def consumers_at_the_same_time():
        for n in (2, 3):
            w = Work(seconds=0.05)
            items = list(range(3 * n))
            problem, r = _timed(lambda: run([items], w, n, 2), 10, "run_pipeline with a slow process")
            if problem:
                return problem
            if threading.get_ident() in w.threads:
                return "items processed in the calling thread"
            if w.peak < 2:
                return f"with {n} consumers and a 0.05 s process, at most {w.peak} item(s) processed at once"

    def sources_fed_at_the_same_time():
        barrier = threading.Barrier(2, timeout=2)
        alone, threads = [], set()

        def source(name):
            threads.add(threading.get_ident())
            try:
                barrier.wait()  # both sources must be being read at once to pass
            except threading.BrokenBarrierError:
                alone.append(name)
            yield from (f"{name}{i}" for i in range(3))
        w = Work()
        problem, r = _timed(lambda: run([source("a"), source("b")], w, 2, 2), 15, "run_pipeline with two sources")
        if problem:
            return problem
        if alone:
            return f"source {alone[0]!r} was read while no thread read the other one (waited 2 s at a barrier): " \
                   "the sources are not fed at the same time"
        if threading.get_ident() in threads or len(threads) < 2:
            return f"the two sources were read by {len(threads)} thread(s), caller included: " \
                   f"{threading.get_ident() in threads}"
        return _verify(r, [f"{x}{i}" for x in "ab" for i in range(3)], w, "run_pipeline with two sources")

    def stress_threads_put():
        for rep in range(15):
            n_prod, n_cons, size = 3, 2 + rep % 3, 1 + rep % 2
            w = Work()
            items = [(rep, i) for i in range(1500)]

            def body():
                p = P(w, n_cons, size)
                ts = [threading.Thread(target=lambda part=part: [p.put(x) for x in part])
                      for part in (items[i::n_prod] for i in range(n_prod))]
                for t in ts: t.start()
                for t in ts: t.join()
                return p.close()
            problem, r = _timed(body, 8, f"rep {rep}: 3 threads putting 1500 items, {n_cons} consumers, maxsize {size}")
            problem = problem or _verify(r, items, w, f"rep {rep}: 3 threads putting 1500 items")
            if problem:
                return problem

    def stress_run_pipeline():
        for rep in range(15):
            n_src, n_cons, size = 2 + rep % 3, 2 + rep % 2, 1 + rep % 2
            items = [f"s{rep}-{i}" for i in range(1200)]
            w = Work(failing=frozenset(items[::50]))
            problem, r = _timed(lambda: run([items[i::n_src] for i in range(n_src)], w, n_cons, size), 8,
                                f"rep {rep}: run_pipeline({n_src} sources, {n_cons} consumers, maxsize {size})")
            problem = problem or _verify(r, items, w, f"rep {rep}: run_pipeline of 1200 items")
            if problem:
                return problem

    c.run("arguments", arguments)
    c.run("functional", functional)
    c.run("close_processes_waiting_items", close_processes_waiting_items)
    c.run("put_waits_while_full", put_waits_while_full)
    c.run("errors_reported", errors_reported)
    c.run("every_consumer_stops_and_is_joined", every_consumer_stops_and_is_joined)
    c.run("bound_holds", bound_holds)
    c.run("no_busy_wait", no_busy_wait)
    c.run("consumers_at_the_same_time", consumers_at_the_same_time)
    c.run("sources_fed_at_the_same_time", sources_fed_at_the_same_time)
    c.run("stress_threads_put", stress_threads_put)
    c.run("stress_run_pipeline", stress_run_pipeline)
