"""Waits for a pipe or a socket that the test's own threads write to are modelled, not waited out.

multiprocessing.pool.ThreadPool's worker handler waits for its change notifier (a pipe) with
multiprocessing.connection.wait; asyncio's event loop waits in its selector for the self-pipe (a socket
pair) that call_soon_threadsafe writes, which is how asyncio.to_thread hands its result back. Both are
correct ways to run work on a pool of threads; both must pass on every schedule, fully controlled,
with time on the virtual clock, and a race between the pool's threads must still be found.
"""

from __future__ import annotations

import asyncio
import os
import selectors
import threading
import time
from multiprocessing.pool import ThreadPool

import pytest

from autograder import race


def _thread_pool_map(locked: bool):
    def body():
        box = {"n": 0}
        lock = threading.Lock()

        def add(x):
            if locked:
                with lock:
                    box["n"] += x
            else:
                box["n"] += x
            return x * 2

        with ThreadPool(2) as pool:
            doubled = pool.map(add, [1, 2, 3, 4])
        assert doubled == [2, 4, 6, 8], doubled
        assert box["n"] == 10, f"lost an update: {box['n']}"

    return body


def test_a_thread_pool_from_multiprocessing_runs_controlled_and_passes_when_right():
    outcome = race.explore(_thread_pool_map(locked=True), seed=1, runs=20, hang_timeout=10.0)
    assert outcome.ok, outcome.report
    assert outcome.controlled, outcome.notes


def test_a_race_between_a_thread_pools_workers_is_still_found():
    outcome = race.explore(_thread_pool_map(locked=False), seed=1, runs=100, hang_timeout=10.0)
    assert not outcome.ok and outcome.kind == "assertion", outcome.report


def test_asyncio_to_thread_runs_controlled_on_the_virtual_clock():
    def body():
        async def main():
            started = time.monotonic()
            results = await asyncio.gather(*(asyncio.to_thread(lambda x=x: x * 2) for x in (1, 2, 3)))
            await asyncio.sleep(2)
            return results, time.monotonic() - started

        results, took = asyncio.run(main())
        assert results == [2, 4, 6], results
        assert 2 <= took < 2.5, f"asyncio.sleep(2) took {took} virtual seconds"

    outcome = race.explore(body, seed=2, runs=10, hang_timeout=10.0)
    assert outcome.ok, outcome.report
    assert outcome.controlled, outcome.notes


def test_a_selector_on_a_pipe_from_outside_the_run_waits_for_real():
    # a descriptor the run did not create may be written from outside it: the wait is the real one
    reader, writer = os.pipe()
    os.write(writer, b"x")

    def body():
        with selectors.DefaultSelector() as selector:
            selector.register(reader, selectors.EVENT_READ)
            assert selector.select(timeout=None), "the pipe holds a byte: select() should say so"

    try:
        outcome = race.explore(body, seed=3, runs=3, hang_timeout=10.0)
    finally:
        os.close(reader)
        os.close(writer)
    assert outcome.ok, outcome.report


def test_a_wait_on_the_runs_own_pipe_that_nobody_writes_is_a_deadlock():
    def body():
        reader, writer = os.pipe()
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(reader, selectors.EVENT_READ)
                selector.select(timeout=None)
        finally:
            os.close(reader)
            os.close(writer)

    outcome = race.explore(body, seed=4, runs=1, hang_timeout=10.0)
    assert not outcome.ok and outcome.kind == "deadlock", outcome.report
    assert "no progress" not in outcome.report, "a modelled wait, not a thread the engine lost track of"


@pytest.mark.skipif(os.name != "posix" or not os.path.exists("/bin/echo"), reason="needs a POSIX /bin/echo")
def test_a_program_started_by_subprocess_may_write_to_the_runs_pipes():
    """subprocess makes its pipes in the run's thread and starts the program without os.fork's hooks:
    the program writes them, so waiting for its output is a real wait, never a deadlock."""
    import subprocess

    def body():
        out = []
        worker = threading.Thread(
            target=lambda: out.append(subprocess.run(["/bin/echo", "hi"], capture_output=True).stdout))
        worker.start()
        worker.join()
        assert out == [b"hi\n"], out

    for seed in range(1, 6):
        outcome = race.explore(body, seed=seed, runs=3)
        assert outcome.ok, outcome.message
