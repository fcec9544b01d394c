"""After explore or replay returns, nothing of the engine is left: tracing, patches, threads."""

import _thread
import queue
import sys
import threading
import time

import pytest

from autograder import race

from . import programs

ORIGINALS = {
    (threading, "Lock"): threading.Lock,
    (threading, "RLock"): threading.RLock,
    (threading, "_time"): threading._time,
    (threading.Condition, "wait"): threading.Condition.wait,
    (threading.Condition, "notify"): threading.Condition.notify,
    (threading.Thread, "start"): threading.Thread.start,
    (threading.Thread, "join"): threading.Thread.join,
    (threading.Thread, "is_alive"): threading.Thread.is_alive,
    (_thread, "allocate_lock"): _thread.allocate_lock,
    (_thread, "start_new_thread"): _thread.start_new_thread,
    (time, "sleep"): time.sleep,
    (time, "monotonic"): time.monotonic,
    (time, "time"): time.time,
    (queue, "SimpleQueue"): queue.SimpleQueue,
    (queue, "time"): queue.time,
    (sys, "settrace"): sys.settrace,
    (programs, "num_threads_lock"): programs.num_threads_lock,
}


def assert_clean():
    for (owner, name), value in ORIGINALS.items():
        assert getattr(owner, name) is value, f"{owner}.{name} was left patched"
    assert sys.gettrace() is None
    if sys.version_info >= (3, 12):
        assert all(sys.monitoring.get_tool(i) != "autograder.race" for i in range(6))
    assert [t.name for t in threading.enumerate()] == [threading.main_thread().name]


def raising_body():
    t = threading.Thread(target=time.sleep, args=(5,))
    t.start()
    raise KeyError("the body gave up")


def tampering_body():
    def worker():
        sys.settrace(None)
        x = 0
        for _ in range(10):
            x += 1

    t = threading.Thread(target=worker)
    t.start()
    t.join()


def blocked_daemon_body():
    q = queue.Queue()
    worker = threading.Thread(target=q.get, daemon=True)  # waits forever; it is a daemon
    worker.start()


def endless_body():
    def spin():
        while True:
            pass

    threading.Thread(target=spin).start()


@pytest.mark.parametrize(
    "body, expected",
    [
        (programs.correct_counter, "passed"),
        (programs.racy_counter, "assertion"),
        (raising_body, "exception"),
        (programs.racy_philosophers, "deadlock"),
        (tampering_body, "exception"),
        (blocked_daemon_body, "passed"),
    ],
)
def test_nothing_is_left_after_explore(body, expected):
    outcome = race.explore(body, seed=1, runs=50)
    assert outcome.kind == expected, outcome.report
    assert_clean()


def test_nothing_is_left_after_replay():
    found = race.explore(programs.racy_pool, seed=3, runs=100)
    race.replay(programs.racy_pool, found.seed)
    assert_clean()


def test_an_endless_thread_is_a_busy_wait_and_is_unwound():
    outcome = race.explore(endless_body, seed=1, runs=5, max_steps=2_000)
    assert outcome.kind == "busy-wait"
    assert "spin" in outcome.report or "while True" in outcome.report
    assert_clean()


def test_turning_tracing_off_is_tampering_not_an_escape():
    outcome = race.explore(tampering_body, seed=1, runs=5)
    assert outcome.kind == "exception"
    assert outcome.tampered
    assert "sys.settrace" in outcome.message
    assert_clean()


def test_an_exception_in_the_body_is_reported_not_raised():
    outcome = race.explore(raising_body, seed=1, runs=5)
    assert outcome.kind == "exception"
    assert "KeyError" in outcome.message
    assert_clean()


def test_keyboard_interrupt_in_the_body_still_cleans_up():
    def body():
        raise KeyboardInterrupt

    outcome = race.explore(body, seed=1, runs=3)
    assert outcome.kind == "exception"
    assert_clean()


def test_threads_the_scenario_ran_count_as_ended_afterwards():
    kept = []

    def body():
        def work():
            pass

        threads = [threading.Thread(target=work) for _ in range(3)]
        kept.extend(threads)
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    assert race.explore(body, seed=1, runs=5).ok
    assert kept and not any(t.is_alive() for t in kept)
    for t in kept:
        t.join(timeout=0)  # returns at once: the thread ended
        t.join()
    assert_clean()


EXIT_SCRIPT = """
import os, sys
from concurrent.futures import ThreadPoolExecutor
from autograder import race

def body():
    with ThreadPoolExecutor(max_workers=2) as executor:
        assert sum(executor.map(abs, [1, -2, 3])) == 6

assert race.explore(body, seed=1, runs=3).ok
pid = os.fork()
if pid == 0:
    sys.exit(7)  # runs the child's exit handlers, which join the executor's (ended) threads
_, status = os.waitpid(pid, 0)
print("child", os.waitstatus_to_exitcode(status))
"""


def test_a_process_that_used_an_executor_under_the_engine_still_exits_and_forks():
    # concurrent.futures joins every executor thread it ever made at exit; threads the engine ran must
    # count as ended there, in this process and in a forked child
    import subprocess

    done = subprocess.run([sys.executable, "-c", EXIT_SCRIPT], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["child", "7"]
