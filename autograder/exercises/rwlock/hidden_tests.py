"""Hidden suite for rwlock.py: 25 points. Runs the student's code under the race engine.

The threads the tests start read and write a pretend shared record: a :class:`Room` that notes
who is inside (the suite's own code, so the engine runs each note as one step) and lets the engine
switch threads while a thread is inside (:func:`autograder.race.checkpoint`). Waits run on the
engine's virtual clock: a reader that holds the lock for "one second" costs no real time, and the
times the tests compare are exact.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from autograder import race
from autograder.exercises.harness import fail, plain, plain_each, solo, when_stuck
from autograder.testing import expect, race_check
from autograder.testing.feedback import _plain_message

STUDENT_MODULE = "rwlock"


@dataclass
class Room:
    """Who is inside the lock: readers and writers, the most readers seen together, and the first
    time someone went in while a writer was (or went in while anyone was, for a writer)."""

    readers: int = 0
    writers: int = 0
    most_readers: int = 0
    broken: str = ""
    log: list[str] = field(default_factory=list)

    def enter(self, who: str, writer: bool) -> None:
        if writer and (self.readers or self.writers) and not self.broken:
            self.broken = (f"{who} went in while {self._inside()} inside")
        if not writer and self.writers and not self.broken:
            self.broken = f"{who} went in while {self._inside()} inside"
        if writer:
            self.writers += 1
        else:
            self.readers += 1
            self.most_readers = max(self.most_readers, self.readers)
        self.log.append(f"{who} in")

    def leave(self, who: str, writer: bool) -> None:
        if writer:
            self.writers -= 1
        else:
            self.readers -= 1
        self.log.append(f"{who} out")

    def _inside(self) -> str:
        parts = []
        if self.writers:
            parts.append("a writer was" if self.writers == 1 else f"{self.writers} writers were")
        if self.readers:
            parts.append("a reader was" if self.readers == 1 else f"{self.readers} readers were")
        return " and ".join(parts)

    def visit(self, who: str, writer: bool, seconds: float = 0.0) -> None:
        """Be inside for a moment: the engine may switch threads (or, with ``seconds``, let that
        much virtual time pass) before this thread leaves."""
        self.enter(who, writer)
        if seconds:
            time.sleep(seconds)
        else:
            for _ in range(3):  # reading or writing takes a few steps
                race.checkpoint(f"{who} is inside")
        self.leave(who, writer)


def _run(*threads: threading.Thread) -> None:
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _thread(name: str, work: Callable[[], None]) -> threading.Thread:
    return threading.Thread(target=work, name=name)


# virtual time also passes while threads work (each step of interleaved code costs a little of it),
# so a call that gives up "after t seconds" returns at t, or a few hundred steps later; never before
SLACK = 0.1


def _on_time(waited: float, wanted: float) -> bool:
    return wanted - 1e-6 <= waited < wanted + SLACK


def _stuck(intro: str) -> Callable[[race.Outcome], str]:
    """A ``what=`` that puts a deadlock in plain words, then names who waited for what, and where."""

    def what(outcome: race.Outcome) -> str:
        if outcome.kind == "deadlock":
            return f"{intro}\n\n{_plain_message(outcome)}"
        if outcome.kind == "busy-wait":
            return (f"{intro} (the threads never finished: they kept trying in a loop without making "
                    f"progress.)\n\n{_plain_message(outcome)}")
        return _plain_message(outcome)

    return what


# ---------------------------------------------------------------------------- one thread


@pytest.mark.points(2)
def test_one_thread_reads_and_writes(student):
    """With one thread: reads can be taken twice, a write only alone; the context managers release."""
    step = [""]

    def body():
        lock = student.RWLock()

        def call(what: str, fn: Callable[[], object]) -> object:
            step[0] = what
            result = fn()
            step[0] = ""
            return result

        expect(call("acquire_read() on a free lock", lock.acquire_read) is True,
               "acquire_read() on a free lock should return True.")
        expect(call("a second acquire_read(timeout=0) with only readers inside",
                    lambda: lock.acquire_read(timeout=0)) is True,
               "A second acquire_read(timeout=0) while only readers are inside should return True: readers share "
               "the lock.", idea="readers-share")
        expect(call("acquire_write(timeout=0) with readers inside", lambda: lock.acquire_write(timeout=0)) is False,
               "acquire_write(timeout=0) while readers are inside should return False at once.", idea="rw-exclusion")
        call("release_read()", lock.release_read)
        expect(call("acquire_write(timeout=0) with one reader inside", lambda: lock.acquire_write(timeout=0)) is False,
               "acquire_write(timeout=0) while one reader is still inside should return False.", idea="rw-exclusion")
        call("the last release_read()", lock.release_read)
        expect(call("acquire_write() on a free lock", lock.acquire_write) is True,
               "acquire_write() on a free lock should return True.")
        expect(call("acquire_read(timeout=0) with a writer inside", lambda: lock.acquire_read(timeout=0)) is False,
               "acquire_read(timeout=0) while a writer is inside should return False at once.", idea="rw-exclusion")
        expect(call("acquire_write(timeout=0) with a writer inside", lambda: lock.acquire_write(timeout=0)) is False,
               "acquire_write(timeout=0) while a writer is inside should return False at once.", idea="rw-exclusion")
        call("release_write()", lock.release_write)
        step[0] = "`with lock.read_locked():` on a free lock"
        with lock.read_locked():
            expect(call("acquire_write(timeout=0) inside `with lock.read_locked():`",
                        lambda: lock.acquire_write(timeout=0)) is False,
                   "Inside `with lock.read_locked():` acquire_write(timeout=0) should return False.")
        step[0] = "`with lock.write_locked():` after the reading block ended"
        with lock.write_locked():
            expect(call("acquire_read(timeout=0) inside `with lock.write_locked():`",
                        lambda: lock.acquire_read(timeout=0)) is False,
                   "Inside `with lock.write_locked():` acquire_read(timeout=0) should return False.")
        expect(call("acquire_write(timeout=0) after both `with` blocks", lambda: lock.acquire_write(timeout=0)) is True,
               "After both `with` blocks ended the lock should be free: acquire_write(timeout=0) should return True.")
        call("release_write()", lock.release_write)

    def stuck() -> str:
        what = step[0] or "a call"
        if "timeout=0" in what:
            return (f"With one thread alone, {what} never returned: a timeout of 0 means do not wait at all "
                    "(`if timeout:` treats 0 like None, which waits for as long as it takes).")
        return (f"With one thread alone, {what} never returned: it waited for something no other thread could "
                "ever do (the lock's state says someone is inside, or waiting, who is not).")

    solo(body, what=when_stuck(stuck), idea="alone")


@pytest.mark.points(2)
def test_misuse_is_refused_and_exceptions_release(student):
    """Releasing what is not held raises RuntimeError; an exception inside a `with` block releases."""
    step = [""]

    def body():
        lock = student.RWLock()
        for call in ("release_read", "release_write"):
            step[0] = f"{call}() on a free lock"
            try:
                getattr(lock, call)()
            except RuntimeError:
                pass
            else:
                fail(f"{call}() on a lock nobody holds should raise RuntimeError, as threading.Lock's release() does.")
        lock.acquire_read()
        step[0] = "release_write() while only a reader is inside"
        try:
            lock.release_write()
        except RuntimeError:
            pass
        else:
            fail("release_write() while only a reader is inside should raise RuntimeError: no writer is inside.")
        lock.release_read()
        for manager, name in ((lock.read_locked, "read_locked"), (lock.write_locked, "write_locked")):
            step[0] = f"`with lock.{name}():` around a block that raises KeyError"
            try:
                with manager():
                    raise KeyError("the block failed")
            except KeyError:
                pass
            got = lock.acquire_write(timeout=0)
            expect(got is True,
                   f"After an exception escaped `with lock.{name}():`, the lock should be free again, but "
                   "acquire_write(timeout=0) returned False: release in a `finally:`, so it happens however the "
                   "block ends.")
            lock.release_write()

    solo(body, what=when_stuck(lambda: f"{step[0]} never returned."))


# ------------------------------------------------------------------------------- safety


@pytest.mark.points(3)
def test_readers_share_the_lock(student):
    """Three readers that each read for one second are inside together and finish in one second."""

    def body():
        lock = student.RWLock()
        room = Room()

        def reader(i: int) -> Callable[[], None]:
            def work() -> None:
                with lock.read_locked():
                    room.visit(f"reader {i}", writer=False, seconds=1)
            return work

        started = time.monotonic()
        _run(*(_thread(f"reader {i}", reader(i)) for i in (1, 2, 3)))
        took = time.monotonic() - started
        if room.most_readers < 3:
            together = "only one of them was" if room.most_readers == 1 else f"at most {room.most_readers} of them were"
            fail(f"Three readers who each read for one second took {took:g} s: {together} ever inside at the same "
                 "time. Readers must share the lock.", idea="readers-share")

    race_check(body, runs=3, idea="readers-share")


@pytest.mark.points(4)
def test_a_writer_is_alone(student):
    """Two readers and a writer, each going in twice: no one is ever inside with the writer."""

    def body():
        lock = student.RWLock()
        room = Room()

        errors: list[Exception] = []

        def reader(i: int) -> Callable[[], None]:
            def work() -> None:
                try:
                    for _ in range(2):
                        with lock.read_locked():
                            room.visit(f"reader {i}", writer=False, seconds=0.1)
                except Exception as exc:  # noqa: BLE001 - reported below, after the room's verdict
                    errors.append(exc)
            return work

        def writer(i: int) -> Callable[[], None]:
            def work() -> None:
                try:
                    for _ in range(2):
                        lock.acquire_write()
                        try:
                            room.visit("writer", writer=True, seconds=0.1)
                        finally:
                            lock.release_write()
                except Exception as exc:  # noqa: BLE001 - reported below, after the room's verdict
                    errors.append(exc)
            return work

        _run(_thread("reader 1", reader(1)), _thread("writer", writer(1)), _thread("reader 2", reader(2)))
        if room.broken:
            fail(f"A writer must be alone, but {room.broken}.", idea="rw-exclusion")
        if errors:
            raise errors[0]

    race_check(body, runs=80, idea="rw-exclusion", what=_stuck(
        "Two readers and a writer using the lock at once never finished: a thread waited for a lock that "
        "was free (a count of readers that lost an update still shows a reader inside), or its wake-up never "
        "came."))


# ----------------------------------------------------------------------------- liveness


@pytest.mark.points(4)
def test_waiting_readers_all_wake(student):
    """When a writer leaves, every reader waiting for it goes in (they meet inside at a barrier)."""

    def body():
        lock = student.RWLock()
        meeting = threading.Barrier(3)

        def writer() -> None:
            with lock.write_locked():
                time.sleep(1)  # the readers arrive and wait meanwhile

        def reader() -> None:
            time.sleep(0.5)
            with lock.read_locked():
                meeting.wait()  # passes only when all three readers are inside together

        _run(_thread("writer", writer), *(_thread(f"reader {i}", reader) for i in (1, 2, 3)))

    race_check(body, runs=5, idea="notify-all", what=_stuck(
        "Three readers waited while a writer was inside. When it left they should all have gone in together "
        "(they wait for each other inside), but some of them were never woken: the writer's release woke only "
        "one waiting thread, or none."))


@pytest.mark.points(3)
def test_a_writer_is_not_starved(student):
    """A writer that asks while a stream of overlapping readers runs gets in before any new reader; so does a second one."""  # noqa: E501 (the title)

    def body():
        lock = student.RWLock()
        events: list[tuple[str, float]] = []
        start = time.monotonic()

        reads: list[tuple[float, float]] = []  # (asked, got in) of every read

        def reader(delay: float) -> Callable[[], None]:
            def work() -> None:
                time.sleep(delay)
                for _ in range(4):
                    wanted = time.monotonic() - start
                    lock.acquire_read()
                    events.append(("read", time.monotonic() - start))
                    reads.append((wanted, time.monotonic() - start))
                    time.sleep(1)  # two readers each read for 1 s with 0.4 s between: always one inside
                    lock.release_read()
                    time.sleep(0.4)
            return work

        def writer() -> None:
            time.sleep(1.25)
            events.append(("ask", time.monotonic() - start))
            lock.acquire_write()
            events.append(("write", time.monotonic() - start))
            time.sleep(0.3)
            lock.release_write()

        def second_writer() -> None:
            # asks after reader 1 began to wait (at 1.4 s), while the first writer waits: when the first
            # writer leaves, the one to wake is this writer, whoever waited longer
            time.sleep(1.45)
            events.append(("ask 2", time.monotonic() - start))
            lock.acquire_write()
            events.append(("write 2", time.monotonic() - start))
            lock.release_write()

        _run(_thread("reader 1", reader(0)), _thread("reader 2", reader(0.5)), _thread("writer", writer),
             _thread("second writer", second_writer))
        asked = next(t for kind, t in events if kind == "ask")
        wrote = next(t for kind, t in events if kind == "write")
        cut_in = [t for kind, t in events if kind == "read" and asked < t < wrote]
        if cut_in:
            fail(f"Two readers took turns so that one was always inside. A writer asked for the lock at {asked:g} s "
                 f"and got in only at {wrote:g} s: {len(cut_in)} reads began while it waited (the first at "
                 f"{cut_in[0]:g} s). With readers that never stop, it would wait forever.", idea="starvation")
        asked_2 = next(t for kind, t in events if kind == "ask 2")
        wrote_2 = next(t for kind, t in events if kind == "write 2")
        ahead = [(wanted, got) for wanted, got in reads if asked_2 < wanted and got < wrote_2]
        if ahead:
            fail(f"Two writers waited for the lock while readers took turns. The second writer asked at {asked_2:g} s "
                 f"and got in only at {wrote_2:g} s, but a reader that asked after it ({ahead[0][0]:g} s) got in first "
                 f"({ahead[0][1]:g} s). Every waiting writer must keep new readers out, not only the first: count the "
                 "waiting writers rather than keeping one flag that the first writer clears.", idea="starvation")

    # (a reader cutting in fails with the starvation lesson; the way this test deadlocks is a lost wake-up)
    race_check(body, runs=8, idea="notify-all", what=_stuck(
        "Two writers and two readers taking turns never finished: some thread was never woken (when a writer "
        "leaves while readers and another writer wait, notify() wakes only the longest waiter, which may be a "
        "reader that must go on waiting)."))


LEFT_BEHIND = "the writer's acquire_write() after the timed-out waits"


@pytest.mark.points(4)
def test_timeouts_are_honoured(student, fake):
    """acquire_read and acquire_write give up after their timeout, at once for 0, and succeed in time."""
    timeout = fake.random_element([0.5, 1.5, 2, 3])
    calling = [""]

    def body():
        lock = student.RWLock()
        results: list[tuple[str, object, float]] = []

        def attempt(what: str, call: Callable[[], object]) -> None:
            calling[0] = what
            started = time.monotonic()
            got = call()
            calling[0] = ""
            results.append((what, got, time.monotonic() - started))

        def other() -> None:
            attempt(f"acquire_read(timeout={timeout}) while a writer is inside",
                    lambda: lock.acquire_read(timeout=timeout))
            attempt(f"acquire_write(timeout={timeout}) while a writer is inside",
                    lambda: lock.acquire_write(timeout=timeout))
            attempt("acquire_read(timeout=0) while a writer is inside", lambda: lock.acquire_read(timeout=0))

        lock.acquire_write()
        _run(_thread("other thread", other))
        lock.release_write()
        for (what, got, waited), wanted in zip(results, (timeout, timeout, 0)):
            expect(got is False and _on_time(waited, wanted),
                   f"{what} should return False after {wanted:g} s; it returned {got!r} after {waited:g} s.",
                   idea="timeout")

        inside = threading.Event()

        def brief_writer() -> None:
            calling[0] = LEFT_BEHIND
            lock.acquire_write()
            calling[0] = ""
            inside.set()
            time.sleep(timeout / 2)
            lock.release_write()

        writer = _thread("brief writer", brief_writer)
        writer.start()
        inside.wait()
        attempt(f"acquire_read(timeout={timeout}) with the writer leaving after {timeout / 2:g} s",
                lambda: lock.acquire_read(timeout=timeout))
        writer.join()
        what, got, waited = results[-1]
        expect(got is True and _on_time(waited, timeout / 2),
               f"{what} should return True after {timeout / 2:g} s; it returned {got!r} after {waited:g} s.",
               idea="timeout")
        _run(_thread("other thread", lambda: attempt(f"acquire_write(timeout={timeout}) while a reader is inside",
                                                     lambda: lock.acquire_write(timeout=timeout))))
        what, got, waited = results[-1]
        expect(got is False and _on_time(waited, timeout),
               f"{what} should return False after {timeout:g} s; it returned {got!r} after {waited:g} s.",
               idea="timeout")

        # a wake-up that does not let the writer in (one of two readers leaves) must not start its
        # timeout over: the writer still gives up `timeout` seconds after it asked
        reading = threading.Event()

        def leaving_reader() -> None:
            lock.acquire_read()
            reading.set()
            time.sleep(timeout / 2)
            lock.release_read()

        reader = _thread("reader leaving halfway", leaving_reader)
        reader.start()
        reading.wait()  # both readers are inside before the writer asks
        _run(_thread("other thread", lambda: attempt(
            f"acquire_write(timeout={timeout}) while two readers are inside and one leaves after {timeout / 2:g} s",
            lambda: lock.acquire_write(timeout=timeout))))
        reader.join()
        what, got, waited = results[-1]
        expect(got is False and _on_time(waited, timeout),
               f"{what} should return False after {timeout:g} s; it returned {got!r} after {waited:g} s. A wait "
               "woken before it can go in must wait again only for the time left (a deadline taken once, before "
               "the loop), not for the whole timeout again.", idea="timeout")
        lock.release_read()

    def stuck() -> str:
        if calling[0] == LEFT_BEHIND:
            return ("After the waits that timed out, every thread had left the lock, yet a writer's acquire_write() "
                    "then waited forever: a wait that gives up must take back whatever it had changed (a reader or "
                    "writer counted in, a flag set) before it returns False.")
        return (f"{calling[0] or 'A call'} never returned: a wait with a timeout must give up when the time is up "
                "(at once for timeout=0) and return False.")

    race_check(body, runs=3, idea="timeout", what=when_stuck(stuck))


@pytest.mark.points(3)
def test_a_writer_that_gives_up_lets_readers_in(student):
    """A writer whose timeout runs out stops holding back the readers that queued behind it."""

    def body():
        lock = student.RWLock()
        times: dict[str, float] = {}
        gave_up: list[object] = []
        start = time.monotonic()

        def first_reader() -> None:
            with lock.read_locked():
                time.sleep(3)
            times["first reader out"] = time.monotonic() - start

        def writer() -> None:
            time.sleep(0.5)
            gave_up.append(lock.acquire_write(timeout=1))

        def queued_reader(name: str, delay: float) -> Callable[[], None]:
            def read() -> None:
                time.sleep(delay)  # the writer is waiting now, so this reader queues behind it
                with lock.read_locked():
                    times[name] = time.monotonic() - start
            return read

        _run(_thread("first reader", first_reader), _thread("writer", writer),
             _thread("second reader", queued_reader("second reader in", 1)),
             _thread("third reader", queued_reader("third reader in", 1.2)))
        expect(plain_each(gave_up, bool, "acquire_write(timeout=1)") == [False],
               f"acquire_write(timeout=1) while a reader is inside for 3 s should return False, not {gave_up[0]!r}.",
               idea="timeout")
        for name, asked in (("second reader in", 1), ("third reader in", 1.2)):
            if times[name] >= times["first reader out"]:
                fail(f"A writer waited from 0.5 s with timeout=1 and gave up at 1.5 s. Two more readers asked at 1 s "
                     f"and 1.2 s and queued behind the writer; the one that asked at {asked:g} s went in only at "
                     f"{times[name]:g} s, when the first reader left: it kept waiting for a writer that had already "
                     "gone. A writer that gives up must wake every thread waiting behind it (notify_all).",
                     idea="give-up-cleanly")

    race_check(body, runs=5, idea="give-up-cleanly", what=_stuck(
        "A reader that queued behind a waiting writer was never let in after the writer's timeout ran out: the "
        "writer that gave up still counted as waiting, or nobody woke the reader."))

    # the reader leaves just as a waiting writer's timeout runs out, with a second writer waiting: on a real
    # machine the wake-up can go to the writer who is giving up (its wait returns False after notify()
    # chose it), and it must not be lost for the other one
    late = [0.0, 1e-4, 3e-4, 6e-4, 1e-3, 2e-3]  # how long before the first writer's deadline the reader leaves
    turn = [0]

    def leaves_as_one_gives_up():
        early = late[turn[0] % len(late)]
        turn[0] += 1
        lock = student.RWLock()
        got: dict[str, object] = {}
        plain(lock.acquire_read(), bool, "acquire_read()")

        def hurried() -> None:
            got["hurried"] = lock.acquire_write(timeout=0.5)
            if got["hurried"] is True:
                lock.release_write()

        def patient() -> None:
            got["patient"] = lock.acquire_write(timeout=4)
            if got["patient"] is True:
                lock.release_write()

        def reader() -> None:
            time.sleep(0.5 - early)
            lock.release_read()

        _run(_thread("hurried writer", hurried), _thread("patient writer", patient), _thread("reader", reader))
        expect(got.get("hurried") is True or got.get("patient") is True,
               "A reader held the lock while two writers waited, one with acquire_write(timeout=0.5) and one with "
               "acquire_write(timeout=4); the reader left just as the first writer's time ran out. Both writers "
               f"gave up (they returned {got.get('hurried')!r} and {got.get('patient')!r}) although the lock was free "
               "from then on: the wake-up went to the writer who was giving up, and the other slept on. A writer "
               "whose wait ends must check the state once more (Condition.wait_for does) or pass the wake-up on, or "
               "the leaving reader must wake every waiting writer (notify_all).", idea="give-up-cleanly")

    race_check(leaves_as_one_gives_up, runs=40, strategy="random", idea="give-up-cleanly", what=_stuck(
        "A reader held the lock while two writers waited, with timeouts of 0.5 s and 4 s, and left just as the "
        "first one's time ran out; a call never returned: a wait with a timeout must give up when the time is up."))
