"""The hidden suites' shared harness: solo checks, the tearable file, line comparisons, race_check's words."""

from __future__ import annotations

import os
import threading

import pytest

from autograder import race
from autograder.exercises.harness import (
    FileTrap,
    Overlap,
    TearableFile,
    check_lines,
    is_plain,
    plain,
    plain_each,
    read_lines,
    same,
    slow_fetch,
    solo,
)
from autograder.testing import IDEAS, Mistake, expect, race_check


def test_solo_raises_the_bodys_own_exception_unchanged():
    def body():
        raise KeyError("no such item")

    with pytest.raises(KeyError, match="no such item"):
        solo(body)


def test_solo_reports_a_deadlock_instead_of_hanging():
    def body():
        lock = threading.Lock()
        with lock:
            with lock:  # a plain Lock taken twice by one thread
                pass

    with pytest.raises(Mistake) as caught:
        solo(body, what="It never returned.")
    assert caught.value.what == "It never returned."
    assert caught.value.idea == IDEAS["deadlock"]


def test_a_deadlock_in_a_test_aimed_at_lost_updates_is_explained_as_a_deadlock():
    def body():
        lock = threading.Lock()
        with lock:
            with lock:
                pass

    with pytest.raises(Mistake) as caught:
        race_check(body, seed=1, runs=3, idea="read-modify-write")
    assert caught.value.idea == IDEAS["deadlock"]
    assert caught.value.outcome["kind"] == "deadlock"


def test_a_deadlock_in_a_test_aimed_at_a_lost_wakeup_keeps_that_idea():
    def body():
        condition = threading.Condition()
        with condition:
            condition.wait()  # nobody will ever notify

    with pytest.raises(Mistake) as caught:
        race_check(body, seed=1, runs=3, idea="lost-wakeup")
    assert caught.value.idea == IDEAS["lost-wakeup"]


def _buffer_with_one_condition():
    """A bounded buffer whose producers and consumers wait on one Condition, woken by notify()."""
    condition = threading.Condition()
    items: list[int] = []

    def put(item: int) -> None:
        with condition:
            while len(items) >= 1:
                condition.wait()  # a producer waits for space
            items.append(item)
            condition.notify()

    def get() -> int:
        with condition:
            while not items:
                condition.wait()  # a consumer waits for an item
            item = items.pop()
            condition.notify()
            return item

    return put, get


def test_a_deadlock_of_mixed_waiters_on_one_condition_teaches_notify_all():
    # the test's own lesson (sentinels, say) is general; what happened is more telling: a producer and
    # consumers were all left waiting on one Condition, so a notify() woke a thread of the wrong kind
    def body():
        put, get = _buffer_with_one_condition()
        producers = [threading.Thread(target=lambda: [put(i) for i in range(3)]) for _ in range(2)]
        consumers = [threading.Thread(target=lambda: [get() for _ in range(3)]) for _ in range(2)]
        for t in producers + consumers:
            t.start()
        for t in producers + consumers:
            t.join()

    with pytest.raises(Mistake) as caught:
        race_check(body, seed=1, runs=200, idea="sentinel")
    assert caught.value.outcome["kind"] == "deadlock"
    assert caught.value.idea == IDEAS["mixed-waiters"]


def test_waiters_at_one_line_or_on_two_conditions_keep_the_tests_idea():
    # two consumers waiting at the same line for items nobody makes: one kind of waiter
    def same_line():
        _, get = _buffer_with_one_condition()
        consumers = [threading.Thread(target=get) for _ in range(2)]
        for t in consumers:
            t.start()
        for t in consumers:
            t.join()

    with pytest.raises(Mistake) as caught:
        race_check(same_line, seed=1, runs=3, idea="sentinel")
    assert caught.value.outcome["kind"] == "deadlock" and caught.value.idea == IDEAS["sentinel"]

    # two Conditions sharing one lock (as queue.Queue's not_empty and not_full do): different objects
    def two_conditions():
        lock = threading.Lock()
        not_empty, not_full = threading.Condition(lock), threading.Condition(lock)

        def consumer():
            with not_empty:
                not_empty.wait()  # one line

        def producer():
            with not_full:
                not_full.wait()  # another line, another Condition on the same lock

        threads = [threading.Thread(target=consumer), threading.Thread(target=producer)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    with pytest.raises(Mistake) as caught:
        race_check(two_conditions, seed=1, runs=3, idea="lost-wakeup")
    assert caught.value.outcome["kind"] == "deadlock" and caught.value.idea == IDEAS["lost-wakeup"]


def test_solo_passes_a_body_that_passes():
    seen = []
    solo(lambda: seen.append(race.in_scenario()))
    assert seen == [True], "the body ran once, under the engine"


def test_race_check_keeps_the_words_and_idea_of_a_mistake_raised_in_its_body():
    def body():
        expect(False, "Nothing ran at the same time.", idea="real-concurrency")

    with pytest.raises(Mistake) as caught:
        race_check(body, runs=2, idea="read-modify-write")
    assert caught.value.what == "Nothing ran at the same time."
    assert caught.value.idea == IDEAS["real-concurrency"]


def _two_writers(file: TearableFile, lock: threading.Lock | None) -> None:
    def work(text):
        for _ in range(2):
            if lock is None:
                file.write(text)
            else:
                with lock:
                    file.write(text)

    threads = [threading.Thread(target=work, args=(t,)) for t in ("aaaa\n", "bbbb\n")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@pytest.mark.parametrize("pause", [0.0, 0.5])
def test_a_tearable_file_tears_unprotected_writes_and_never_locked_ones(tmp_path, pause):
    runs = []

    def body(locked: bool):
        path = tmp_path / f"{len(runs)}.txt"
        runs.append(path)
        with open(path, "a") as real:
            _two_writers(TearableFile(real, pause), threading.Lock() if locked else None)
        got = read_lines(path)
        assert sorted(got) == ["aaaa", "aaaa", "bbbb", "bbbb"], got

    assert not race.explore(lambda: body(False), runs=30, seed=3).ok
    assert race.explore(lambda: body(True), runs=30, seed=3).ok


def test_a_tearable_file_refuses_writes_after_close(tmp_path):
    with open(tmp_path / "f.txt", "a") as real:
        file = TearableFile(real)
        file.write("one\n")
        file.close()
        file.close()
        assert file.closed
        with pytest.raises(ValueError):
            file.write("two\n")
    assert read_lines(tmp_path / "f.txt") == ["one"]


def test_the_file_trap_wraps_only_files_written_in_its_folder(tmp_path, monkeypatch):
    watched = tmp_path / "watched"
    watched.mkdir()
    (watched / "in.txt").write_text("x\n")
    (tmp_path / "out.txt").write_text("y\n")
    trap = FileTrap(watched).install(monkeypatch)
    with open(watched / "new.txt", "a") as handle:
        assert isinstance(handle, TearableFile)
    with (watched / "other.txt").open("w") as handle:  # Path.open goes through io.open
        assert isinstance(handle, TearableFile)
    with open(watched / "in.txt") as handle:
        assert not isinstance(handle, TearableFile) and handle.read() == "x\n"
    with open(tmp_path / "out.txt", "a") as handle:
        assert not isinstance(handle, TearableFile)
    assert len(trap.opened) == 2


def test_check_lines_names_the_idea_that_fits():
    check_lines(["b", "a"], ["a", "b"], "in any order")
    with pytest.raises(Mistake) as torn:
        check_lines(["ab", "ba"], ["a", "b"], "two lines")
    assert torn.value.idea == IDEAS["torn-write"] and "torn" in torn.value.what
    with pytest.raises(Mistake) as lost:
        check_lines(["a"], ["a", "b"], "two lines")
    assert lost.value.idea == IDEAS["read-modify-write"] and "1 of 2 lines" in lost.value.what
    with pytest.raises(Mistake) as twice:
        check_lines(["a", "a", "b"], ["a", "b"], "two lines")
    assert "more than once" in twice.value.what


def test_slow_fetch_records_overlap_and_refuses_unknown_urls():
    overlap = Overlap()
    fetch = slow_fetch({"u1": "one", "u2": "two"}, overlap)

    def body():
        got = {}
        threads = [threading.Thread(target=lambda u=u: got.update({u: fetch(u)})) for u in ("u1", "u2")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert got == {"u1": "one", "u2": "two"}

    race.explore(body, runs=1, seed=1).raise_if_failed()
    assert overlap.most == 2 and sorted(overlap.args) == ["u1", "u2"] and not overlap.repeated()
    with pytest.raises(ValueError, match="not one of the URLs"):
        fetch("elsewhere")


# ---------------------------------------------------------------- engine kinds race_check explains


def _fake_explore(kind: str, ok: bool):
    from autograder.race.outcome import Outcome

    def explore(fn, **kwargs):
        return Outcome(ok=ok, kind=kind, seed=1, runs=1, report="", message="")

    return explore


def _steps(n: int) -> int:
    total = 0
    for i in range(n):  # frame-local work: no busy-wait, every instruction a step
        total += i
    return total


def test_a_slow_but_right_body_is_checked_with_a_larger_budget():
    """Over the usual step budget, the check runs again with a larger one and reaches its verdict."""
    from autograder.testing import race_check

    def body():
        assert _steps(30_000) == sum(range(30_000))  # ~120,000 steps: over 50,000, under 1,000,000

    outcome = race_check(body, seed=1, runs=2)
    assert outcome.ok and outcome.kind == "passed", outcome.report


def test_a_racy_body_cannot_hide_behind_the_step_budget():
    """Code that burns steps while other threads run, so that the first schedule runs out of budget
    (the verdict used to be "inconclusive", passed), is checked with the larger budget and fails."""
    import pytest

    from autograder.testing import Mistake, race_check

    def body():
        box = {"n": 0}

        def bump():
            for _ in range(2):
                value = box["n"]
                if threading.active_count() > 1:
                    _steps(20_000)  # the read-modify-write window, wide open
                box["n"] = value + 1

        threads = [threading.Thread(target=bump) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert box["n"] == 4, f"{box['n']} of 4 increments survived"

    with pytest.raises(Mistake) as caught:
        race_check(body, seed=1, runs=20)
    assert "increments survived" in caught.value.what


def test_a_body_over_the_larger_budget_loses_the_check():
    import pytest

    from autograder.testing import Mistake, race_check

    def body():
        _steps(300_000)  # ~1,200,000 steps in one run

    with pytest.raises(Mistake) as caught:
        race_check(body, seed=1, runs=3)
    assert "never reached a verdict" in caught.value.what and "1,000,000 steps" in caught.value.what


def test_a_busy_wait_is_named_and_explained(monkeypatch):
    import pytest

    from autograder import race
    from autograder.testing import IDEAS, Mistake, race_check

    monkeypatch.setattr(race, "explore", _fake_explore("busy-wait", ok=False))
    with pytest.raises(Mistake) as caught:
        race_check(lambda: None, idea="lost-wakeup")
    assert "busy-waited" in caught.value.what
    assert caught.value.idea == IDEAS["busy-wait"]


def _writers(folder):
    """One unlocked way per opener to append a line to a file in ``folder``."""
    import codecs
    import io

    def builtin_open(line):
        with open(folder / "a.txt", "a") as f:
            f.write(line)

    def fdopen(line):
        with os.fdopen(os.open(folder / "b.txt", os.O_WRONLY | os.O_APPEND | os.O_CREAT), "a") as f:
            f.write(line)

    def raw(line):
        fd = os.open(folder / "c.txt", os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        os.write(fd, line.encode())
        os.close(fd)

    def path_open(line):
        with (folder / "d.txt").open("a") as f:
            print(line, end="", file=f)

    def codecs_open(line):
        with codecs.open(folder / "e.txt", "a", encoding="utf-8") as f:
            f.write(line)

    def file_io(line):
        with io.FileIO(folder / "f.txt", "a") as f:
            f.write(line.encode())

    def unbuffered(line):
        with open(folder / "g.txt", "ab", buffering=0) as f:
            f.write(line.encode())

    def buffered_binary(line):
        with open(folder / "h.txt", "ab") as f:
            f.write(line.encode())

    return [builtin_open, fdopen, raw, path_open, codecs_open, file_io, unbuffered, buffered_binary]


# one write() system call to a regular file is atomic (POSIX): os.write, io.FileIO, unbuffered binary files;
# a buffered binary file holds its lock around each write (the io module's documentation), and codecs.open
# writes each encoded text to such a file in one write
ONE_SYSTEM_CALL = {"raw", "file_io", "unbuffered", "buffered_binary", "codecs_open"}


@pytest.mark.parametrize("index", range(8))
def test_the_file_trap_tears_every_way_of_writing_a_file_that_a_real_one_can_tear(tmp_path, monkeypatch, index):
    folder = tmp_path / "watched"
    folder.mkdir()
    FileTrap(folder).install(monkeypatch)
    write = _writers(folder)[index]
    runs = []

    def body():
        for name in "abcdefgh":
            (folder / f"{name}.txt").unlink(missing_ok=True)
        threads = [threading.Thread(target=write, args=(text,)) for text in ("aaaa\n", "bbbb\n")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        got = sorted(line for name in "abcdefgh" for line in read_lines(folder / f"{name}.txt"))
        runs.append(got)
        assert got == ["aaaa", "bbbb"], got

    outcome = race.explore(body, runs=60, seed=5)
    if write.__name__ in ONE_SYSTEM_CALL:
        assert outcome.ok, f"{write.__name__}: one system call was torn ({outcome.message})"
        assert len(runs) == 60
        return
    assert not outcome.ok and outcome.kind == "assertion", f"{write.__name__}: no write was torn ({outcome.message})"
    assert ["aaaa", "bbbb"] in runs, f"{write.__name__}: never whole, even in a run without a switch"


# ------------------------------------------------------------------------------ plain values


class _Agreeable(int):
    """What a submission can return to fool `==`: an int that equals everything."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = int.__hash__


class _Everything(dict):
    def __contains__(self, key):
        return True


def test_plain_accepts_exactly_the_builtin_kind_asked_for():
    assert plain(3, int, "value") == 3
    assert plain(3, float, "ratio") == 3  # a float answer may be a whole number
    assert plain(None, (str, type(None)), "body") is None
    assert plain({"a": [1, ("b", 2.5)], "c": {3}}, dict, "result") == {"a": [1, ("b", 2.5)], "c": {3}}
    assert plain_each([True, False], bool, "buy()") == [True, False]
    assert is_plain([1, "x", (None,)]) and not is_plain([1, _Agreeable(2)])


@pytest.mark.parametrize(("value", "kind", "words"), [
    (_Agreeable(4), int, "counter.value gave a _Agreeable instead of an int: return a plain int"),
    (True, int, "counter.value gave a bool instead of an int"),
    (2.0, int, "counter.value gave a float instead of an int"),
    (_Everything(), dict, "counter.value gave a _Everything instead of a dict"),
    ([1, _Agreeable(2)], list, "counter.value gave a list that holds a _Agreeable"),
    ({"k": [_Agreeable(1)]}, dict, "counter.value gave a dict that holds a _Agreeable"),
])
def test_plain_fails_a_value_that_could_lie_with_words_for_the_student(value, kind, words):
    with pytest.raises(Mistake) as caught:
        plain(value, kind, "counter.value")
    assert words in caught.value.what
    assert caught.value.idea == IDEAS["plain-value"]


def test_same_compares_only_plain_values_of_the_wanted_kind():
    assert same([1, "a"], [1, "a"], "x") and same(3, 3.0, "x") and not same([True], [1], "x")
    assert not same({"a": 1}, {"a": 2}, "x")
    with pytest.raises(Mistake):
        same(_Agreeable(1), 2, "x")  # `wanted == got` would have said True


def test_fetch_refuses_a_url_that_is_not_a_plain_str():
    class Url(str):
        def __eq__(self, other):
            return True

        __hash__ = str.__hash__

    fetch = slow_fetch({"a": "page"}, Overlap(), seconds=0)
    with pytest.raises(TypeError, match="plain str"):
        fetch(Url("a"))
