"""Modelled primitives keep CPython's semantics, on a virtual clock, inside controlled runs."""

import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from autograder import race


def run(body, runs=30):
    outcome = race.explore(body, seed=21, runs=runs)
    assert outcome.ok, outcome.report
    return outcome


def test_lock_semantics():
    def body():
        lock = threading.Lock()
        assert lock.acquire()
        assert lock.locked()
        assert lock.acquire(blocking=False) is False
        assert lock.acquire(timeout=0.5) is False  # times out on the virtual clock
        lock.release()
        with pytest.raises(RuntimeError, match="release unlocked lock"):
            lock.release()
        with pytest.raises(ValueError, match="can't specify a timeout"):
            lock.acquire(False, 1)

    run(body, runs=1)


def test_rlock_is_reentrant_and_owned():
    def body():
        rlock = threading.RLock()
        with rlock:
            with rlock:
                assert rlock._is_owned()
        with pytest.raises(RuntimeError, match="cannot release un-acquired lock"):
            rlock.release()
        errors = []

        def other():
            try:
                rlock.release()
            except RuntimeError as exc:
                errors.append(str(exc))

        rlock.acquire()
        t = threading.Thread(target=other)
        t.start()
        t.join()
        rlock.release()
        assert errors == ["cannot release un-acquired lock"]

    run(body)


def test_bounded_semaphore_over_release_raises():
    def body():
        sem = threading.BoundedSemaphore(1)
        with pytest.raises(ValueError, match="Semaphore released too many times"):
            sem.release()
        assert sem.acquire(blocking=False)
        assert sem.acquire(blocking=False) is False
        assert sem.acquire(timeout=1) is False

    run(body, runs=1)


def test_condition_wait_releases_and_reacquires():
    def body():
        cond = threading.Condition()
        state = {"ready": False, "held_during_wait": None}

        def waiter():
            with cond:
                cond.wait_for(lambda: state["ready"])
                state["held_during_wait"] = cond._is_owned()

        t = threading.Thread(target=waiter)
        t.start()
        with cond:  # only possible because wait() released the lock
            state["ready"] = True
            cond.notify_all()
        t.join()
        assert state["held_during_wait"] is True
        with pytest.raises(RuntimeError, match="cannot wait on un-acquired lock"):
            cond.wait()
        with pytest.raises(RuntimeError, match="cannot notify on un-acquired lock"):
            cond.notify()

    run(body)


def test_condition_wait_timeout_returns_false():
    def body():
        cond = threading.Condition()
        with cond:
            assert cond.wait(timeout=3) is False

    run(body, runs=1)


def test_sleep_and_timeouts_use_the_virtual_clock():
    def body():
        start = time.monotonic()
        wall = time.time()
        time.sleep(3600)  # an hour, virtually (and each step of this body costs a little more)
        assert time.monotonic() - start == pytest.approx(3600, abs=0.1)
        assert time.time() - wall == pytest.approx(3600, abs=0.1)
        event = threading.Event()
        assert event.wait(timeout=120) is False
        assert time.monotonic() - start == pytest.approx(3720, abs=0.1)

    run(body, runs=2)


def test_event_barrier_and_timer():
    def body():
        event = threading.Event()
        barrier = threading.Barrier(3)
        arrivals = []

        def party(i):
            barrier.wait()
            arrivals.append(i)
            event.wait()

        threads = [threading.Thread(target=party, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        barrier.wait()
        fired = []
        timer = threading.Timer(5, lambda: fired.append(time.monotonic()))
        timer.start()
        event.set()
        for t in threads:
            t.join()
        timer.join()
        assert sorted(arrivals) == [0, 1]
        assert len(fired) == 1

    run(body)


def test_queues_block_and_time_out():
    def body():
        q = queue.Queue(maxsize=1)
        q.put(1)
        with pytest.raises(queue.Full):
            q.put(2, timeout=1)
        assert q.get() == 1
        with pytest.raises(queue.Empty):
            q.get(timeout=2)
        for cls in (queue.LifoQueue, queue.PriorityQueue, queue.SimpleQueue):
            q2 = cls()
            t = threading.Thread(target=q2.put, args=(5,))
            t.start()
            assert q2.get() == 5
            t.join()

    run(body)


def test_join_with_timeout_and_is_alive():
    def body():
        gate = threading.Event()
        t = threading.Thread(target=gate.wait)
        assert not t.is_alive()
        t.start()
        t.join(timeout=1)
        assert t.is_alive()
        gate.set()
        t.join()
        assert not t.is_alive()
        with pytest.raises(RuntimeError, match="threads can only be started once"):
            t.start()
        with pytest.raises(RuntimeError, match="cannot join current thread"):
            threading.current_thread().join()

    run(body)


def test_threads_started_by_the_code_under_test_are_controlled():
    """Threads from Thread subclasses, executors and _thread all take part in the schedule."""

    class Worker(threading.Thread):
        def __init__(self, box):
            super().__init__()
            self.box = box

        def run(self):
            self.box.append(threading.current_thread().name)

    def body():
        box = []
        w = Worker(box)
        w.start()
        w.join()
        with ThreadPoolExecutor(max_workers=2) as pool:
            assert list(pool.map(lambda x: x * 2, range(4))) == [0, 2, 4, 6]
        import _thread

        done = threading.Event()
        _thread.start_new_thread(lambda: done.set(), ())
        assert done.wait(timeout=10)
        assert box == ["Thread-1"]

    run(body)


def test_a_thread_exception_fails_the_run():
    def body():
        def boom():
            raise ValueError("bad value in a worker")

        t = threading.Thread(target=boom)
        t.start()
        t.join()

    outcome = race.explore(body, seed=1, runs=5)
    assert outcome.kind == "exception"
    assert "in Thread-1 (boom): ValueError: bad value in a worker" in outcome.message


def test_an_assertion_in_a_worker_is_an_assertion():
    def body():
        def check():
            assert 1 + 1 == 3, "arithmetic is off"

        t = threading.Thread(target=check)
        t.start()
        t.join()

    outcome = race.explore(body, seed=1, runs=5)
    assert outcome.kind == "assertion"


def test_deadlock_report_names_threads_locks_and_lines():
    def body():
        a = threading.Lock()
        b = threading.Lock()

        def one():
            with a:
                with b:
                    pass

        def two():
            with b:
                with a:
                    pass

        t1, t2 = threading.Thread(target=one), threading.Thread(target=two)
        t1.start()
        t2.start()
        t1.join()
        t2.join()

    outcome = race.explore(body, seed=2, runs=300)
    assert outcome.kind == "deadlock"
    report = outcome.report
    assert "Thread-1 (one)" in report and "Thread-2 (two)" in report
    assert "holds Lock created at" in report
    assert "waits for Lock created at" in report
    assert "with b:" in report and "with a:" in report
    names = {t["name"]: t for t in outcome.threads}
    assert names["Thread-1 (one)"]["holds"] and names["Thread-1 (one)"]["waits_for"]


def test_a_wait_nobody_answers_is_a_deadlock_at_once():
    def body():
        threading.Event().wait()

    outcome = race.explore(body, seed=1, runs=1)
    assert outcome.kind == "deadlock"
    assert "main" in outcome.report
