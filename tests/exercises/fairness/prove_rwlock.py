"""Real-CPython checks for the rwlock fairness samples (``python prove.py rwlock rwlock/<sample>.py``).

Each check starts fresh ``RWLock`` objects and real threads (prove.py sets the switch interval to
1e-6 s), follows one requirement of assignments/rwlock/README.md, and returns None or what it saw.
Every blocking call runs in a daemon thread with a time limit, so a sample that deadlocks fails the
check instead of hanging the proof.
"""

# ruff: noqa: B023, E701 - the bodies are closures run and joined inside their own loop turn; short start/join loops

from __future__ import annotations

import random
import threading
import time
from pathlib import Path

from prove import Checks, in_thread

# a wait that should end "now" may end this much later on a busy two-core machine
LATE = 0.25


def _start(fn) -> tuple[threading.Thread, dict]:
    """Start ``fn`` in a daemon thread; the box gets 'r' (result or exception) and 't' (when it returned)."""
    box: dict = {}

    def run():
        try:
            box["r"] = fn()
        except BaseException as exc:  # noqa: BLE001 - evidence
            box["r"] = exc
        box["t"] = time.monotonic()

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t, box


def _timed(call):
    """Return a function that runs ``call`` and returns (result, seconds it took)."""

    def run():
        t0 = time.monotonic()
        r = call()
        return r, time.monotonic() - t0

    return run


def prove(m, c: Checks, folder: Path) -> None:  # noqa: C901 - one closure per README requirement
    RW = m.RWLock

    def one_thread():
        def body():
            lock = RW()
            steps = [
                ("acquire_read() on a free lock", lambda: lock.acquire_read(), True),
                ("second acquire_read(timeout=0)", lambda: lock.acquire_read(timeout=0), True),
                ("acquire_write(timeout=0) with 2 readers", lambda: lock.acquire_write(timeout=0), False),
                ("release_read()", lambda: lock.release_read(), None),
                ("acquire_write(timeout=0) with 1 reader", lambda: lock.acquire_write(timeout=0), False),
                ("release_read()", lambda: lock.release_read(), None),
                ("acquire_write() on a free lock", lambda: lock.acquire_write(), True),
                ("acquire_read(timeout=0) with a writer", lambda: lock.acquire_read(timeout=0), False),
                ("acquire_write(timeout=0) with a writer", lambda: lock.acquire_write(timeout=0), False),
                ("release_write()", lambda: lock.release_write(), None),
                ("acquire_read(timeout=0) on a free lock", lambda: lock.acquire_read(timeout=0), True),
                ("release_read()", lambda: lock.release_read(), None),
            ]
            for what, call, want in steps:
                got = call()
                if got is not want:
                    return f"{what} returned {got!r}, expected {want!r}"
            with lock.read_locked():
                if lock.acquire_write(timeout=0) is not False:
                    return "inside read_locked(), acquire_write(timeout=0) was not False"
                if lock.acquire_read(timeout=0) is not True:
                    return "inside read_locked(), acquire_read(timeout=0) was not True"
                lock.release_read()
            with lock.write_locked():
                if lock.acquire_read(timeout=0) is not False:
                    return "inside write_locked(), acquire_read(timeout=0) was not False"
            if lock.acquire_write(timeout=0) is not True:
                return "after both with-blocks the lock was not free"
            lock.release_write()

        done, r = in_thread(body, 5)
        if not done:
            return "one thread alone: a call never returned within 5 s"
        return r

    def misuse_raises():
        def body():
            lock = RW()
            seen = []

            def expect_error(what, call):
                try:
                    call()
                except RuntimeError:
                    return
                seen.append(f"{what} did not raise RuntimeError")

            expect_error("release_read() on a free lock", lock.release_read)
            expect_error("release_write() on a free lock", lock.release_write)
            lock.acquire_read()
            expect_error("release_write() with only a reader inside", lock.release_write)
            lock.release_read()
            expect_error("a second release_read() after the only reader left", lock.release_read)
            lock.acquire_write()
            expect_error("release_read() with only a writer inside", lock.release_read)
            lock.release_write()
            expect_error("a second release_write() after the writer left", lock.release_write)
            if seen:
                return "; ".join(seen)
            if lock.acquire_write(timeout=0) is not True:
                return "after the refused releases the lock was not free"
            lock.release_write()
            if lock.acquire_read(timeout=0) is not True or lock.acquire_read(timeout=0) is not True:
                return "after the refused releases two readers could not go in"

        done, r = in_thread(body, 5)
        return r if done else "a refused release (or the acquire after it) never returned"

    def with_blocks_release():
        def body():
            lock = RW()
            for name in ("read_locked", "write_locked"):
                try:
                    with getattr(lock, name)():
                        raise KeyError("boom")
                except KeyError:
                    pass
                else:
                    return f"the KeyError raised inside `with lock.{name}():` did not come out"
                if lock.acquire_write(timeout=0) is not True:
                    return f"after an exception left `with lock.{name}():` the lock was still held"
                lock.release_write()

                def returns_inside(name=name):
                    with getattr(lock, name)():
                        return 7

                if returns_inside() != 7 or lock.acquire_write(timeout=0) is not True:
                    return f"after a return inside `with lock.{name}():` the lock was still held"
                lock.release_write()

        done, r = in_thread(body, 5)
        return r if done else "a with-block or an acquire after it never returned"

    def zero_timeout_never_waits():
        lock = RW()
        lock.acquire_write()
        for what, call in (("acquire_read(timeout=0) with a writer inside", lambda: lock.acquire_read(timeout=0)),
                           ("acquire_write(timeout=0) with a writer inside", lambda: lock.acquire_write(timeout=0))):
            done, r = in_thread(_timed(call), 2)
            if not done:
                return f"{what} did not return within 2 s"
            if isinstance(r, BaseException) or r[0] is not False or r[1] > LATE:
                return f"{what} gave {r!r} (expected (False, ~0 s))"
        lock.release_write()
        lock.acquire_read()
        done, r = in_thread(_timed(lambda: lock.acquire_write(timeout=0)), 2)
        if not done:
            return "acquire_write(timeout=0) with a reader inside did not return within 2 s"
        if isinstance(r, BaseException) or r[0] is not False or r[1] > LATE:
            return f"acquire_write(timeout=0) with a reader inside gave {r!r}"
        lock.release_read()

    def timeouts_on_time():
        for wanted in (0.2, 0.5):
            lock = RW()
            lock.acquire_write()
            for what, call in (
                    (f"acquire_read(timeout={wanted}) with a writer inside", lambda: lock.acquire_read(timeout=wanted)),
                    (f"acquire_write(timeout={wanted}) with a writer inside",
                     lambda: lock.acquire_write(timeout=wanted))):
                done, r = in_thread(_timed(call), wanted + 3)
                if not done:
                    return f"{what} did not return within {wanted + 3} s"
                if isinstance(r, BaseException) or r[0] is not False or not wanted - 0.01 <= r[1] <= wanted + LATE:
                    return f"{what} gave {r!r}"
            lock.release_write()
            lock.acquire_read()
            done, r = in_thread(_timed(lambda: lock.acquire_write(timeout=wanted)), wanted + 3)
            if not done or isinstance(r, BaseException) or r[0] is not False or not (
                    wanted - 0.01 <= r[1] <= wanted + LATE):
                return f"acquire_write(timeout={wanted}) with a reader inside: finished={done}, gave {r!r}"
            lock.release_read()

    def timed_out_calls_leave_no_trace():
        lock = RW()
        lock.acquire_write()
        done, r = in_thread(lambda: lock.acquire_read(timeout=0.1), 2)
        if not done or r is not False:
            return f"acquire_read(timeout=0.1) with a writer inside: finished={done}, gave {r!r}"
        done, r = in_thread(lambda: lock.acquire_read(timeout=0), 2)
        if not done or r is not False:
            return f"acquire_read(timeout=0) with a writer inside: finished={done}, gave {r!r}"
        lock.release_write()
        done, r = in_thread(lambda: lock.acquire_write(timeout=1), 3)
        if not done or r is not True:
            return (f"after two reads gave up while a writer was inside and the writer left, acquire_write(timeout=1) "
                    f"on the empty lock gave {r!r} (finished={done}): the readers that gave up still count as inside")
        lock.release_write()
        lock.acquire_read()
        done, r = in_thread(lambda: lock.acquire_write(timeout=0.1), 2)
        if not done or r is not False:
            return f"acquire_write(timeout=0.1) with a reader inside: finished={done}, gave {r!r}"
        done, r = in_thread(lambda: lock.acquire_read(timeout=0), 2)
        if not done or r is not True:
            return (f"after a writer gave up, a new acquire_read(timeout=0) gave {r!r} (finished={done}): the writer "
                    "that gave up still holds readers back")
        lock.release_read()
        lock.release_read()
        done, r = in_thread(lambda: lock.acquire_write(timeout=0), 2)
        if not done or r is not True:
            return f"after everything was released, acquire_write(timeout=0) gave {r!r} (finished={done})"

    def wakes_promptly():
        for rep in range(15):
            lock = RW()
            writer_first = rep % 3 == 0
            (lock.acquire_write if writer_first else lock.acquire_read)()
            waiter_is_writer = rep % 2 == 0 or not writer_first
            t, box = _start(lambda: (lock.acquire_write if waiter_is_writer else lock.acquire_read)(timeout=5))
            time.sleep(0.01 * (rep % 4))
            released = time.monotonic()
            (lock.release_write if writer_first else lock.release_read)()
            t.join(3)
            who = "writer" if waiter_is_writer else "reader"
            held = "writer" if writer_first else "reader"
            if t.is_alive():
                return f"rep {rep}: a waiting {who} was not let in within 3 s after the only {held} left"
            if box.get("r") is not True or box["t"] - released > LATE:
                return (f"rep {rep}: a waiting {who} got {box.get('r')!r} {box['t'] - released:.3f} s after the only "
                        f"{held} left: it slept through the moment it could go in")

    def gave_up_writer_lets_readers_in():
        for rep in range(3):
            lock = RW()
            lock.acquire_read()
            tw, w = _start(lambda: lock.acquire_write(timeout=0.4))
            time.sleep(0.1)
            tr, rd = _start(lambda: lock.acquire_read())
            time.sleep(0.1)
            if "r" in rd:
                return f"rep {rep}: a reader that asked after a waiting writer went in before it"
            tw.join(3)
            tr.join(0.4 + LATE)
            if w.get("r") is not False:
                return f"rep {rep}: acquire_write(timeout=0.4) with a reader inside gave {w.get('r')!r}"
            if tr.is_alive():
                return (f"rep {rep}: a writer gave up at 0.4 s, but the reader queued behind it was still waiting "
                        f"{LATE} s later (the first reader still inside)")
            if rd.get("r") is not True:
                return f"rep {rep}: the queued reader got {rd.get('r')!r}"
            lock.release_read()
            lock.release_read()

    def readers_share():
        lock = RW()
        inside, peak, guard = [0], [0], threading.Lock()

        def reader():
            with lock.read_locked():
                with guard:
                    inside[0] += 1
                    peak[0] = max(peak[0], inside[0])
                time.sleep(0.4)
                with guard:
                    inside[0] -= 1

        t0 = time.monotonic()
        ts = [threading.Thread(target=reader, daemon=True) for _ in range(3)]
        for t in ts: t.start()
        for t in ts: t.join(5)
        took = time.monotonic() - t0
        if any(t.is_alive() for t in ts):
            return "three readers did not all finish within 5 s"
        if peak[0] != 3 or took > 0.4 + 2 * LATE:
            return f"three readers reading 0.4 s each took {took:.2f} s, at most {peak[0]} inside together"

    def waiting_readers_all_wake():
        for rep in range(5):
            lock = RW()
            lock.acquire_write()
            meeting = threading.Barrier(3)
            broken = []

            def reader():
                with lock.read_locked():
                    try:
                        meeting.wait(3)
                    except threading.BrokenBarrierError:
                        broken.append(1)

            ts = [threading.Thread(target=reader, daemon=True) for _ in range(3)]
            for t in ts: t.start()
            time.sleep(0.1)
            lock.release_write()
            for t in ts: t.join(5)
            if broken or any(t.is_alive() for t in ts):
                return (f"rep {rep}: three readers waited for a writer; when it left they were not all inside "
                        f"together within 3 s ({3 - sum(t.is_alive() for t in ts)} finished)")

    def writer_preference():
        for rep in range(3):
            lock = RW()
            lock.acquire_read()
            tw, w = _start(lambda: lock.acquire_write())
            time.sleep(0.1)
            done, r = in_thread(lambda: lock.acquire_read(timeout=0.2), 3)
            if not done or r is not False:
                return (f"rep {rep}: with a reader inside and a writer waiting, a new acquire_read(timeout=0.2) gave "
                        f"{r!r} (finished={done}); it should wait behind the writer and give up")
            done, r = in_thread(lambda: lock.acquire_read(timeout=0), 3)
            if not done or r is not False:
                return f"rep {rep}: with a writer waiting, a new acquire_read(timeout=0) gave {r!r}"
            if "r" in w:
                return f"rep {rep}: the writer went in ({w['r']!r}) while a reader was inside"
            released = time.monotonic()
            lock.release_read()
            tw.join(3)
            if w.get("r") is not True or w["t"] - released > LATE:
                return f"rep {rep}: the waiting writer got {w.get('r')!r} after the reader left"
            lock.release_write()

    def queued_reader_waits_for_the_writer():
        for rep in range(10):
            lock = RW()
            lock.acquire_read()
            state = {"writer_in": False, "writer_out": None}

            def writer():
                lock.acquire_write()
                state["writer_in"] = True
                time.sleep(0.2)
                state["writer_out"] = time.monotonic()
                lock.release_write()

            tw = threading.Thread(target=writer, daemon=True)
            tw.start()
            time.sleep(0.05)
            tr, rd = _start(lambda: lock.acquire_read())
            time.sleep(0.02 * (rep % 3))
            lock.release_read()
            tw.join(3)
            tr.join(3)
            if not state["writer_in"] or state["writer_out"] is None:
                return f"rep {rep}: the waiting writer never got in after the only reader left"
            if rd.get("r") is not True:
                return f"rep {rep}: the queued reader got {rd.get('r')!r} (finished={not tr.is_alive()})"
            if rd["t"] < state["writer_out"]:
                return (f"rep {rep}: a reader queued behind a waiting writer went in "
                        f"{state['writer_out'] - rd['t']:.3f} s before that writer left: reader and writer "
                        "inside together")
            lock.release_read()

    def writer_not_starved():
        for rep in range(2):
            lock = RW()
            events, stop, guard = [], threading.Event(), threading.Lock()
            start = time.monotonic()

            def reader(delay):
                time.sleep(delay)
                while not stop.is_set():
                    if not lock.acquire_read(timeout=2):
                        continue
                    with guard:
                        events.append(("read", time.monotonic() - start))
                    time.sleep(0.06)
                    lock.release_read()
                    time.sleep(0.02)

            rs = [threading.Thread(target=reader, args=(d,), daemon=True) for d in (0, 0.04)]
            for t in rs: t.start()
            time.sleep(0.3)
            with guard:
                events.append(("ask", time.monotonic() - start))
            done, r = in_thread(lambda: lock.acquire_write(timeout=3), 4)
            wrote = time.monotonic() - start
            if done and r is True:
                lock.release_write()
            stop.set()
            for t in rs: t.join(3)
            asked = next(t for k, t in events if k == "ask")
            cut_in = [t for k, t in events if k == "read" and asked < t < wrote]
            # a reader that went in just before the writer asked may note its read just after: one per reader
            if r is not True or wrote - asked > 0.06 + 2 * LATE or len(cut_in) > 2:
                return (f"rep {rep}: two readers took turns; a writer asked at {asked:.2f} s and got {r!r} at "
                        f"{wrote:.2f} s; {len(cut_in)} reads began meanwhile")

    def stress_exclusion():
        for rep in range(4):
            lock = RW()
            room = {"r": 0, "w": 0, "peak": 0}
            bad: list[str] = []
            guard = threading.Lock()
            counts = {"reads": 0, "writes": 0, "gave_up": 0}
            rng = random.Random(rep)

            def go_in(writer):
                with guard:
                    if room["w"] or (writer and room["r"]):
                        bad.append(f"a {'writer' if writer else 'reader'} went in with {room['r']} readers, "
                                   f"{room['w']} writers inside")
                    room["w" if writer else "r"] += 1
                    room["peak"] = max(room["peak"], room["r"])
                    counts["writes" if writer else "reads"] += 1
                for _ in range(3):
                    time.sleep(0)
                with guard:
                    if (writer and (room["r"] or room["w"] != 1)) or (not writer and room["w"]):
                        bad.append(f"a {'writer' if writer else 'reader'} inside saw {room['r']} readers, "
                                   f"{room['w']} writers")
                    room["w" if writer else "r"] -= 1

            def worker(writer, seed):
                local = random.Random(seed)
                for _ in range(150):
                    mode = local.randrange(4)
                    if mode == 0:
                        with (lock.write_locked() if writer else lock.read_locked()):
                            go_in(writer)
                        continue
                    timeout = (None, 0, 0.002)[mode - 1]
                    ok = (lock.acquire_write if writer else lock.acquire_read)(timeout=timeout)
                    if not ok:
                        with guard:
                            counts["gave_up"] += 1
                        continue
                    try:
                        go_in(writer)
                    finally:
                        (lock.release_write if writer else lock.release_read)()

            ts = [threading.Thread(target=worker, args=(i < 3, rng.random()), daemon=True) for i in range(9)]
            for t in ts: t.start()
            deadline = time.monotonic() + 25
            for t in ts: t.join(max(0.0, deadline - time.monotonic()))
            if bad:
                return f"rep {rep}: {bad[0]} ({len(bad)} times in {counts})"
            alive = sum(t.is_alive() for t in ts)
            if alive:
                return f"rep {rep}: {alive} of 9 threads still waiting after 25 s ({counts})"
            done, r = in_thread(lambda: lock.acquire_write(timeout=0.5), 2)
            if not done or r is not True:
                return f"rep {rep}: after every thread finished the lock was not free ({r!r})"
            lock.release_write()
            if room["peak"] < 2:
                return f"rep {rep}: readers never overlapped (peak {room['peak']})"

    c.run("one_thread", one_thread)
    c.run("misuse_raises", misuse_raises)
    c.run("with_blocks_release", with_blocks_release)
    c.run("zero_timeout_never_waits", zero_timeout_never_waits)
    c.run("timeouts_on_time", timeouts_on_time)
    c.run("timed_out_calls_leave_no_trace", timed_out_calls_leave_no_trace)
    c.run("wakes_promptly", wakes_promptly)
    c.run("gave_up_writer_lets_readers_in", gave_up_writer_lets_readers_in)
    c.run("readers_share", readers_share)
    c.run("waiting_readers_all_wake", waiting_readers_all_wake)
    c.run("writer_preference", writer_preference)
    c.run("queued_reader_waits_for_the_writer", queued_reader_waits_for_the_writer)
    c.run("writer_not_starved", writer_not_starved)
    c.run("stress_exclusion", stress_exclusion)
