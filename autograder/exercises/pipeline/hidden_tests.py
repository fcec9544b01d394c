"""Hidden suite for pipeline.py: 25 points. Runs the student's code under the race engine.

The grader gives the pipeline its own ``process`` (a stand-in that records which thread processes
which item, and fails on purpose for some items) and its own sources (generators that record how
many items the producers have taken). From those records the suite sees every item processed
exactly once, failures reported, the queue's bound respected at every moment (items taken from
the sources but not yet being processed can only sit in a producer's hands, in the queue or in a
consumer's hands), and consumers working at the same time. Waiting costs no real time: the engine's
clock is virtual, and a consumer left waiting forever is reported as a deadlock.

Busy-waiting is caught without relying on the engine's step budget: in its test, ``queue.Queue``
is replaced by a subclass that counts the calls that return at once (``get_nowait``, ``empty``,
``qsize``, ``full``...) made by each thread. A thread that polls far more often than there are
items is busy-waiting; after the limit each such call takes a moment of the virtual clock, so the
run still ends, and the check says what happened.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from autograder import race
from autograder.exercises.harness import Overlap, fail, is_plain, new_threads_alive, plain, plural, solo, when_stuck
from autograder.testing import IDEAS, Mistake, expect, race_check
from autograder.testing.feedback import CONTEXT

STUDENT_MODULE = "pipeline"

POLL_LIMIT = 60  # calls that return at once, per thread, before a thread counts as busy-waiting


class ItemFailed(Exception):
    """What the grader's process raises, on purpose, for the items chosen to fail."""


class _Work:
    """The grader's ``process``: records each call in an Overlap; fails for the items in ``failing``.

    ``seconds`` of the virtual clock per item (so consumers that can overlap do), or 0: no time
    passes, but another thread may run in the middle (so threads interleave finely).
    """

    def __init__(self, seconds: float = 0.0, failing: frozenset = frozenset()) -> None:
        self.seconds = seconds
        self.failing = failing
        self.calls = Overlap()
        self.raised: dict[Any, ItemFailed] = {}

    def reset(self) -> Overlap:
        self.calls = Overlap()
        self.raised = {}
        return self.calls

    def __call__(self, item: Any) -> str:
        if not is_plain(item):  # an object of the student's own could answer the suite's `in` and `==` as it likes
            raise TypeError(f"process() takes the items it was given, not {type(item).__name__} objects")
        self.calls.enter(item)
        try:
            if self.seconds:
                time.sleep(self.seconds)
            else:
                race.checkpoint("process: working on an item")
        finally:
            self.calls.leave()
        if item in self.failing:
            error = ItemFailed(f"the grader's process() failed on {item!r} on purpose")
            self.raised[item] = error
            raise error
        return done(item)


def done(item: Any) -> str:
    """What the grader's process returns for an item."""
    return f"done:{item}"


class _Taken:
    """Counts the items the producers take from the sources, and checks the queue's bound each time."""

    def __init__(self, work: _Work, queue_size: int = 0, n_sources: int = 0, n_consumers: int = 0) -> None:
        self.work = work
        self.limits = (queue_size, n_sources, n_consumers)
        self.count = 0
        self.worst = 0  # the most items in flight seen at one moment
        self.over: tuple[int, int, int] | None = None  # (in flight, allowed, consumers processing) when first over

    def source(self, items: list[Any], seconds: float = 0.0) -> Iterator[Any]:
        queue_size, n_sources, n_consumers = self.limits
        for item in items:
            if seconds:
                time.sleep(seconds)  # a slow source: consumers have nothing to do meanwhile
            self.count += 1
            in_flight = self.count - len(self.work.calls.args)  # taken, not yet handed to process()
            self.worst = max(self.worst, in_flight)
            # taken and not yet processed: at most queue_size in the queue, one in each producer's hands
            # (this one included), and one in the hands of each consumer that is not inside process() now
            processing = self.work.calls.active
            allowed = queue_size + n_sources + n_consumers - processing
            if in_flight > allowed and self.over is None:
                self.over = (in_flight, allowed, processing)
            yield item


def _items(fake, n: int) -> list[str]:
    return [f"{fake.unique.word()}-{i}" for i in range(n)]


def _split(items: list[Any], parts: int) -> list[list[Any]]:
    return [items[i::parts] for i in range(parts)]


def _check_all(result: Any, items: list[Any], work: _Work, call: str) -> None:
    """Every item processed exactly once; ``(results, errors)`` says so, failures included."""
    twice = work.calls.repeated()
    if twice:
        fail(f"{call} processed {plural(len(twice), 'item')} more than once, for example {twice[0]!r}: every item "
             "put into the queue must be taken by exactly one consumer, and each consumer must keep the item it "
             "took to itself (in a local variable: an attribute of the shared object, like self.current, is "
             "overwritten by the other consumers).", idea="work-twice")
    skipped = [item for item in items if item not in work.calls.args]
    if skipped:
        fail(f"{call} never processed {len(skipped)} of the {len(items)} items, for example {skipped[0]!r}: an item "
             "was lost between the producers and the consumers.", idea="items-before-stop")
    results, errors = _pair(result, call)
    wanted = Counter(done(item) for item in items if item not in work.failing)
    got = Counter(results)
    if got != wanted:
        lost = list((wanted - got).elements())
        extra = list((got - wanted).elements())
        if lost:
            fail(f"{call} processed every item, but {len(lost)} of the {sum(wanted.values())} results are missing from "
                 f"the results it returned, for example {lost[0]!r}: when consumers add results at the same time, "
                 "each must add to the one shared list (`results.append(r)`, or under a lock); rebuilding it "
                 "(`results = results + [r]`) throws away what other threads added meanwhile.",
                 idea="read-modify-write")
        fail(f"{call} returned results it should not have, for example {extra[0]!r}.")
    _check_errors(errors, work, call)


def _pair(result: Any, call: str) -> tuple[list, list]:
    """``(results, errors)`` from the student's code, accepted only as plain built-in values: a list
    of str and a list of (item, exception) pairs (the exceptions are the grader's own)."""
    if type(result) is not tuple or len(result) != 2:
        if type(result) is not tuple and isinstance(result, tuple):
            plain(result, tuple, call)
        fail(f"{call} should return a pair (results, errors), not {result!r}.")
    results, errors = result
    if type(results) is not list:
        if type(results) not in (tuple, set, dict) and isinstance(results, (list, tuple)):
            plain(results, list, f"{call}'s results")
        fail(f"{call} should return its results as a list, not {results!r}.")
    plain(results, list, f"{call}'s results")
    if type(errors) is not list:
        if isinstance(errors, list):
            plain(errors, list, f"{call}'s errors")
        fail(f"{call} should return its errors as a list of (item, exception) pairs, not {errors!r}.")
    for entry in errors:
        if type(entry) is not tuple or len(entry) != 2:
            if type(entry) is not tuple and isinstance(entry, tuple):
                plain(entry, tuple, f"an error pair of {call}")
            fail(f"Each error should be an (item, exception) pair; {call} reported {entry!r}.")
        plain(entry[0], None, f"the item of an error pair of {call}")
        if type(entry[1]).__eq__ is not object.__eq__:  # the exception process() raised compares by identity
            fail(f"Each error should be the pair (item, the exception process() raised); {call} reported "
                 f"{type(entry[1]).__name__} objects of its own instead.", idea="plain-value")
    return results, errors


def _check_errors(errors: Any, work: _Work, call: str) -> None:
    reported = {}
    for entry in errors:
        reported[entry[0]] = entry[1]
    missing = [item for item in work.raised if item not in reported]
    if missing:
        fail(f"process() raised an exception for {missing[0]!r}, but {call} did not report it in its errors.",
             idea="error-report")
    wrong = [item for item, exc in reported.items() if work.raised.get(item) is not exc]
    if wrong or len(errors) != len(work.raised):
        fail(f"{call} reported an error for {wrong[0] if wrong else errors[0][0]!r} that is not the exception "
             "process() raised for that item (report each failed item once, with the exception it raised).",
             idea="error-report")


def _crash_words(call: str) -> Callable[[race.Outcome], str]:
    return when_stuck(
        f"{call} never finished: some thread waited forever (for an item, a free place in the queue, or "
        "another thread).",
        crashed=f"A thread of {call} crashed with {{error}}: the exception process() raised for one item ended "
                "the consumer thread that ran it.",
        crash_types=("ItemFailed",))


_ESCAPED = ("process() raised an exception for one item (the grader's ItemFailed, on purpose), and the exception "
            "escaped from your consumer thread and ended it, instead of being reported in the errors.")


def _check(body: Callable[[], None], *, runs: int, idea: str, what: Any, max_steps: int = 100_000,
           crashes: dict[str, tuple[str, str]] | None = None) -> None:
    """``race_check``, where a thread that crashes teaches the idea behind the crash even when it
    happens without any preemption (``race_check`` reports those as a plain exception of the code).

    ``crashes`` maps an exception type to (what to say, idea); the grader's ItemFailed escaping from a
    consumer always teaches error reporting.
    """
    known = {"ItemFailed": (_ESCAPED, "error-report"), **(crashes or {})}
    try:
        race_check(body, runs=runs, idea=idea, what=what, max_steps=max_steps)
    except Mistake as mistake:
        if mistake.what.startswith("Your code raised "):
            for name, (words, crash_idea) in known.items():
                if mistake.what.startswith(f"Your code raised {name}"):
                    where = mistake.what[len("Your code raised "):].rstrip(".")
                    raise Mistake(f"{words} (The error: {where}.)", idea=IDEAS[crash_idea],
                                  replay=CONTEXT.replay) from None
        raise


# ------------------------------------------------------------------------ one thread


@pytest.mark.points(2)
def test_one_thread_processes_every_item(student, fake):
    """Items put by one thread, and items from one source, are all processed."""
    items = _items(fake, 5)

    def body():
        work = _Work()
        pipeline = student.Pipeline(work, 1, 2)
        for item in items[:3]:
            pipeline.put(item)
        _check_all(pipeline.close(), items[:3], work, "Pipeline(process, n_consumers=1, maxsize=2) with 3 items put")
        work.reset()
        _check_all(student.run_pipeline([items], work, 2, 1), items, work,
                   f"run_pipeline(one source of {len(items)} items, n_consumers=2, maxsize=1)")
        work.reset()
        _check_all(student.run_pipeline([], work, 2, 3), [], work, "run_pipeline([] (no sources), ...)")
        work.reset()
        _check_all(student.run_pipeline([[], []], work, 3, 3), [], work, "run_pipeline([[], []] (empty sources), ...)")

    solo(body, what=when_stuck("With a single producer, the pipeline never finished: a thread waited forever."),
         idea="sentinel")


@pytest.mark.points(2)
def test_bad_arguments_and_close(student, fake):
    """Fewer than one consumer or a queue of size 0 is refused; put after close is refused; close twice is fine."""
    items = _items(fake, 2)

    def body():
        for n_consumers, maxsize in ((0, 4), (2, 0), (-1, 3), (2, -2)):
            before = set(threading.enumerate())
            try:
                student.Pipeline(_Work(), n_consumers, maxsize)
            except ValueError:
                pass
            else:
                fail(f"Pipeline(process, n_consumers={n_consumers}, maxsize={maxsize}) should raise ValueError: "
                     "a pipeline needs at least one consumer, and a queue of size 0 or less would have no limit.")
            left = new_threads_alive(before)
            expect(not left, f"Pipeline(process, {n_consumers}, {maxsize}) raised ValueError but left "
                             f"{plural(len(left), 'thread')} running: check the arguments before starting threads.")
        try:
            student.run_pipeline([items], _Work(), 2, 0)
        except ValueError:
            pass
        else:
            fail("run_pipeline(sources, process, n_consumers=2, maxsize=0) should raise ValueError.")
        work = _Work()
        # three consumers and a queue of one: a second close() that sends the stop signals again finds
        # nobody to take them and waits for room in the queue for ever
        pipeline = student.Pipeline(work, 3, 1)
        pipeline.put(items[0])
        first = pipeline.close()
        try:
            pipeline.put(items[1])
        except ValueError:
            pass
        else:
            fail("put() after close() should raise ValueError: nobody is left to process the item.")
        second = pipeline.close()
        _pair(first, "close()")
        _pair(second, "close() called a second time")
        expect(first == second, f"close() called twice should return the same results both times; it returned "
                                f"{first!r} and then {second!r}.")

    solo(body, what=when_stuck("A pipeline that was closed (or refused) never finished: close() called twice must "
                               "not wait for consumers that have already stopped."), idea="close-once")


# ------------------------------------------------------------------------ safety


@pytest.mark.points(3)
def test_a_failing_item_is_reported_and_the_rest_go_on(student, fake):
    """An item whose processing raises is reported in the errors; the other items are still processed."""
    items = _items(fake, 6)
    failing = frozenset([items[0], items[3]])
    work = _Work(failing=failing)

    def body():
        for n_consumers in (1, 2):
            work.reset()
            call = f"run_pipeline({len(items)} items, n_consumers={n_consumers}), where process() fails for 2 items"
            _check_all(student.run_pipeline(_split(items, 2), work, n_consumers, 2), items, work, call)

    _check(body, runs=10, idea="error-report",
           what=_crash_words("run_pipeline, where process() failed for some items,"))


@pytest.mark.points(3)
def test_items_put_by_threads_the_test_starts_are_each_processed_once(student, fake):
    """Three threads put items into one Pipeline at once; every item is processed exactly once."""
    items = _items(fake, 6)
    n_consumers = 3
    maxsize = fake.random_int(1, 2)
    work = _Work()
    call = f"Pipeline(n_consumers={n_consumers}, maxsize={maxsize}), fed by three threads with 2 items each,"

    def body():
        work.reset()
        pipeline = student.Pipeline(work, n_consumers, maxsize)

        def produce(mine):
            for item in mine:
                pipeline.put(item)

        producers = [threading.Thread(target=produce, args=(mine,)) for mine in _split(items, 3)]
        for producer in producers:
            producer.start()
        for producer in producers:
            producer.join()
        _check_all(pipeline.close(), items, work, call)

    crashed = when_stuck(f"{call} never finished: a consumer waited forever for an item that another consumer had "
                         "already taken, or for a wakeup that never came.",
                         crashed=f"A consumer thread of {call} crashed with {{error}}: it found the buffer empty, "
                                 "because another consumer took the item it was woken for. Re-check the condition "
                                 "in a `while` loop after every wait.")
    _check(body, runs=30, idea="lost-wakeup", what=crashed,
           crashes={"IndexError": (f"A consumer thread of {call} crashed: it was woken up, found the buffer empty "
                                   "(another consumer had taken the item first) and took from it anyway. Re-check the "
                                   "condition in a `while` loop after every wait.", "lost-wakeup")})


class _Sources:
    """run_pipeline's sources, each of which notes when a producer has taken its last item.

    Before its first item a source waits (up to ``TOGETHER`` seconds of the clock) until every
    source has been asked for one: sources that are read at the same time never wait long, while
    one thread reading them one after another leaves each waiting alone (``alone`` counts those).
    """

    TOGETHER = 2.0

    def __init__(self, parts: list[list[Any]]) -> None:
        self.parts = parts
        self.finished = 0
        self.started = 0
        self.alone = 0
        self.gate = threading.Condition()

    def make(self) -> list[Iterator[Any]]:
        self.finished = 0
        self.started = 0
        self.alone = 0
        self.gate = threading.Condition()
        return [self._source(part) for part in self.parts]

    def _source(self, part: list[Any]) -> Iterator[Any]:
        with self.gate:
            self.started += 1
            self.gate.notify_all()
            if not self.gate.wait_for(lambda: self.started >= len(self.parts), timeout=self.TOGETHER):
                self.alone += 1
        yield from part
        self.finished += 1


def _watch_close(student, monkeypatch, sources: _Sources, call: str) -> None:
    """Fail at once if run_pipeline closes its Pipeline before every producer has taken its last item."""
    pipeline = getattr(student, "Pipeline", None)
    close = getattr(pipeline, "close", None)
    if not callable(close):
        return

    def watched_close(self, *args, **kwargs):
        if sources.finished < len(sources.parts):
            fail(f"{call} closed its Pipeline while {len(sources.parts) - sources.finished} of its producers were "
                 "still putting items: the sentinels would overtake the items that come after them, and a producer "
                 "could wait forever for a place in the queue. Join every producer first, then close.",
                 idea="sentinel")
        return close(self, *args, **kwargs)

    monkeypatch.setattr(pipeline, "close", watched_close)


@pytest.mark.points(4)
def test_run_pipeline_processes_every_item_once(student, fake, monkeypatch):
    """run_pipeline's own producer threads feed its consumers; every item is processed exactly once."""
    n_sources = fake.random_int(2, 3)
    items = _items(fake, 2 * n_sources)
    n_consumers = fake.random_int(2, 3)
    maxsize = fake.random_int(1, 2)
    work = _Work()
    call = f"run_pipeline({n_sources} sources of 2 items, n_consumers={n_consumers}, maxsize={maxsize})"
    sources = _Sources(_split(items, n_sources))
    _watch_close(student, monkeypatch, sources, call)

    def body():
        work.reset()
        result = student.run_pipeline(sources.make(), work, n_consumers, maxsize)
        _check_all(result, items, work, call)
        expect(not sources.alone,
               f"{call} did not read its sources at the same time: {plural(sources.alone, 'source')} waited "
               f"{sources.TOGETHER:g} s for the others to be read too, and they were not. Start one producer thread "
               "per source, all of them before waiting for any: a slow source (a socket, a pipe) must not hold up "
               "the others.", idea="real-concurrency")

    stuck = when_stuck(f"{call} never finished: some thread waited forever. The sentinels must go into the queue "
                       "once every producer has finished (join the producers first), one per consumer.",
                       crashed=f"A thread of {call} crashed with {{error}}: another thread changed the shared state "
                               "between its check and its action.")
    _check(body, runs=30, idea="sentinel", what=stuck)


# ------------------------------------------------------------------------ liveness


@pytest.mark.points(3)
def test_close_stops_and_joins_every_consumer(student, fake):
    """close() (and run_pipeline) stop every consumer and wait for it: no thread is left running."""
    items = _items(fake, 2)
    n_consumers = fake.random_int(3, 4)
    work = _Work(seconds=0.5)

    def body():
        work.reset()
        before = set(threading.enumerate())
        pipeline = student.Pipeline(work, n_consumers, 2)
        for item in items:
            pipeline.put(item)
        result = pipeline.close()
        left = new_threads_alive(before)
        expect(not left,
               f"{plural(len(left), 'consumer thread was', 'consumer threads were')} still running when close() "
               "returned: close() must stop every consumer and join it before it returns the results.", idea="join")
        _check_all(result, items, work, f"Pipeline(n_consumers={n_consumers}) closed after 2 items")
        work.reset()
        result = student.run_pipeline([items], work, n_consumers, 1)
        left = new_threads_alive(before)
        expect(not left, f"{plural(len(left), 'thread was', 'threads were')} still running when run_pipeline "
                         "returned: join every producer and every consumer before you return.", idea="join")

    stuck = when_stuck(f"close() on a Pipeline with {n_consumers} consumers never returned: some consumers waited "
                       "forever for an item, because nothing told them that no more items would come. Each consumer "
                       "needs its own sentinel.")
    _check(body, runs=10, idea="sentinel", what=stuck)

    # a long haul: a quiet spell before the last items, and work that outlasts any fixed timeout. A
    # consumer that gives up after a while without items, or a close() that joins with a timeout,
    # returns before the work is done
    late = _items(fake, 4)
    slow = _Work(seconds=6.0)
    haul = "Pipeline(process, n_consumers=2, maxsize=2) given 1 item, then 3 more after a 10 s pause (6 s of work each)"

    def long_haul():
        slow.reset()
        before = set(threading.enumerate())
        pipeline = student.Pipeline(slow, 2, 2)
        pipeline.put(late[0])
        time.sleep(10)
        for item in late[1:]:
            pipeline.put(item)
        result = pipeline.close()
        left = new_threads_alive(before)
        expect(not left,
               f"{haul}: {plural(len(left), 'consumer thread was', 'consumer threads were')} still working when "
               "close() returned. close() must wait for every consumer to finish, however long the work takes: join() "
               "without a timeout.", idea="join")
        _check_all(result, late, slow, haul)

    _check(long_haul, runs=2, idea="join", what=when_stuck(
        f"{haul}: close() never returned: a consumer stopped taking items while items were still to come, or "
        "waited for an item that never came. A consumer should stop only when it takes its sentinel."))


@pytest.mark.points(3)
def test_the_queue_never_holds_more_than_maxsize(student, fake):
    """Fast producers wait while the queue is full: items never pile up beyond maxsize."""
    maxsize = fake.random_int(1, 3)
    n_consumers = 2
    items = _items(fake, 14)
    work = _Work(seconds=1.0)  # slow consumers: producers would run ahead if nothing stopped them

    def body():
        for n_sources in (1, 2):
            work.reset()
            taken = _Taken(work, maxsize, n_sources, n_consumers)
            sources = [taken.source(part) for part in _split(items, n_sources)]
            student.run_pipeline(sources, work, n_consumers, maxsize)
            if taken.over is not None:
                in_flight, allowed, processing = taken.over
                fail(f"run_pipeline({plural(n_sources, 'fast source')}, a slow process, n_consumers="
                     f"{n_consumers}, maxsize={maxsize}) let {in_flight} items pile up between the producers and "
                     f"the consumers. At that moment {plural(processing, 'consumer was', 'consumers were')} inside "
                     f"process(), so there could be at most {allowed}: at most {maxsize} in the queue, one in each "
                     f"producer's hands, one in the hands of each other consumer. The queue must be "
                     f"queue.Queue(maxsize), so that a producer waits in put() while it is full (a queue of your own "
                     f"must wait while it holds maxsize items, not more).",
                     idea="bounded-queue")

    _check(body, runs=5, idea="bounded-queue", what=None)


class _Polls:
    """Counts, per thread, the queue calls that return at once; past the limit, each takes a moment."""

    def __init__(self) -> None:
        self.by_thread: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()

    def poll(self, name: str) -> None:
        thread = threading.current_thread().name
        self.by_thread[thread] += 1
        self.calls[name] += 1
        if self.by_thread[thread] > POLL_LIMIT:
            time.sleep(0.25)  # lets the virtual clock move, so the run still ends

    def busiest(self) -> tuple[str, int]:
        return self.by_thread.most_common(1)[0] if self.by_thread else ("", 0)


def _watched_queue(polls: _Polls) -> type:
    class WatchedQueue(queue.Queue):  # type: ignore[type-arg]
        def get(self, block: bool = True, timeout: float | None = None) -> Any:
            if not block or (timeout is not None and timeout <= 0):
                polls.poll("get_nowait")
            return super().get(block, timeout)

        def put(self, item: Any, block: bool = True, timeout: float | None = None) -> None:
            if not block or (timeout is not None and timeout <= 0):
                polls.poll("put_nowait")
            super().put(item, block, timeout)

        def empty(self) -> bool:
            polls.poll("empty")
            return super().empty()

        def full(self) -> bool:
            polls.poll("full")
            return super().full()

        def qsize(self) -> int:
            polls.poll("qsize")
            return super().qsize()

    return WatchedQueue


@pytest.mark.points(3)
def test_nobody_busy_waits(student, fake, monkeypatch):
    """While the sources are slow, consumers sleep in a blocking call instead of asking again and again."""
    items = _items(fake, 6)
    n_consumers = 3
    polls = _Polls()
    watched = _watched_queue(polls)
    monkeypatch.setattr(queue, "Queue", watched)
    if getattr(student, "Queue", None) is watched.__mro__[1]:
        monkeypatch.setattr(student, "Queue", watched)  # `from queue import Queue`
    work = _Work()
    call = f"run_pipeline(2 slow sources of 3 items, n_consumers={n_consumers})"
    words = (f"While {call} waited for its sources (each item takes a second to arrive), a thread kept asking the "
             "queue whether there was something for it, in a loop, instead of sleeping in queue.get() until an "
             "item came.")

    def body():
        polls.by_thread.clear()
        polls.calls.clear()
        work.reset()
        taken = _Taken(work)
        sources = [taken.source(part, seconds=1.0) for part in _split(items, 2)]
        result = student.run_pipeline(sources, work, n_consumers, 2)
        thread, count = polls.busiest()
        if count > POLL_LIMIT:
            kinds = ", ".join(f"{name}() {n} times" for name, n in polls.calls.most_common())
            fail(f"{words} {thread} asked {count} times while only {len(items)} items came (all threads together: "
                 f"{kinds}).", idea="busy-wait")
        _check_all(result, items, work, call)

    def what(outcome: race.Outcome) -> str:
        if outcome.kind in ("step-limit", "busy-wait"):
            return f"{words} It never stopped asking, so the program never finished."
        return _crash_words(call)(outcome)

    _check(body, runs=5, idea="busy-wait", what=what)


# ------------------------------------------------------------------------ concurrency


@pytest.mark.points(2)
def test_consumers_process_at_the_same_time(student, fake):
    """The consumers are real threads that process items at the same time."""
    n_consumers = fake.random_int(2, 3)
    items = _items(fake, 2 * n_consumers)
    work = _Work(seconds=1.0)
    call = f"run_pipeline({len(items)} items, n_consumers={n_consumers})"

    def body():
        calls = work.reset()
        student.run_pipeline([items], work, n_consumers, 2)
        expect(threading.current_thread() not in calls.threads,
               f"{call} processed items in the calling thread: consumers are threads of their own (call start(), "
               "not run()).", idea="real-concurrency")
        expect(calls.most >= 2,
               f"The consumers of {call} never processed two items at the same time: each waited for the one "
               "before. Hold a lock only around shared state (adding a result), never while process() runs.",
               idea="lock-scope")

    _check(body, runs=5, idea="", what=None)
