"""Hidden suite for file_writer.py: 25 points. Runs the student's code under the race engine.

The engine cannot switch threads inside C code, and a real file's ``write`` is C code; so the
race tests give the student's writer a file whose ``write`` lets another thread run half-way
through (:class:`~autograder.exercises.harness.TearableFile`). Unprotected writes then tear lines,
as they do on a real machine. In the check of ``close``, that write also takes a moment of the
engine's virtual clock, and the closing thread waits until a write is half done: a ``close`` that
does not take the writer's lock then cuts a line in two on every schedule.

``fetch`` is a fake: where downloads must overlap it takes a second of the virtual clock (so
downloads that can overlap do); where lines must be whole it returns at once but lets another
thread run in the middle, so that the threads stay busy and interleave finely.

For instructors: every requirement of the task (assignments/file_writer/README.md) and the hidden
tests that check it, on every seed:

* `SafeFileWriter(path)` opens for appending, creating the file if needed
  -> test_lines_are_appended_whole_and_in_order
* `write_line` appends the text and a newline as one unbroken line, whatever other threads do
  -> test_lines_from_many_threads_stay_whole, test_fetch_all_writes_one_whole_line_per_url
* a text with a newline raises ValueError and writes nothing
  -> test_text_with_a_newline_is_refused
* `close()` flushes and closes, may be called twice; `write_line` after it raises ValueError
  -> test_close_twice_and_write_after_close
* a close in the middle of another thread's write cuts no line
  -> test_close_while_another_thread_writes
* `with SafeFileWriter(path) as writer:` closes at the end
  -> test_usable_as_a_context_manager
* `fetch_all` takes each URL once from one shared list, one line per URL, returns the count
  -> test_fetch_all_writes_one_whole_line_per_url, test_fetch_all_edges
* its threads really run, and no lock is held while `fetch` runs
  -> test_fetch_all_downloads_overlap
* it waits for its threads and closes the writer before returning
  -> test_fetch_all_joins_its_threads

Every way of opening and writing the file is trapped (open, io.open, Path.open/write_text,
os.fdopen, os.open with os.write, codecs.open, io.FileIO, unbuffered modes, print(file=)).
"""

from __future__ import annotations

import threading
import time

import pytest

from autograder.exercises.harness import (
    FileTrap,
    Overlap,
    check_lines,
    fail,
    new_threads_alive,
    plain,
    plural,
    read_lines,
    slow_fetch,
    solo,
)
from autograder.testing import expect, race_check

STUDENT_MODULE = "file_writer"


def _sentences(fake, n: int) -> list[str]:
    return [fake.unique.sentence(nb_words=fake.random_int(3, 9)) for _ in range(n)]


def _pages(fake, n: int) -> dict[str, str]:
    return {fake.unique.uri(): fake.text(max_nb_chars=fake.random_int(20, 400)) for _ in range(n)}


class _Paths:
    """A fresh file name for every schedule, inside one folder the FileTrap watches."""

    def __init__(self, folder) -> None:
        self.folder = folder
        self.folder.mkdir(exist_ok=True)
        self.count = 0

    def next(self):
        self.count += 1
        return self.folder / f"run{self.count}.txt"


@pytest.mark.points(3)
def test_lines_are_appended_whole_and_in_order(student, fake, tmp_path):
    """write_line appends whole lines, after what the file already holds."""
    old = fake.sentence()
    lines = _sentences(fake, 4) + [""]
    existing, fresh = tmp_path / "notes.txt", tmp_path / "fresh.txt"
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    existing.write_text(old + "\n", encoding="utf-8")

    def body():
        writer = student.SafeFileWriter(str(existing))
        for line in lines:
            writer.write_line(line)
        writer.close()
        got = read_lines(existing)
        expect(got[:1] == [old],
               "SafeFileWriter(path) erased what the file held before: open the file for appending "
               "(mode \"a\"), not for writing (\"w\").")
        expect(got == [old] + lines,
               f"After writing {len(lines)} lines and closing, the file should hold the old line and then "
               f"exactly those lines, each followed by a newline; it holds {got!r}.")
        writer = student.SafeFileWriter(str(fresh))
        writer.write_line(lines[0])
        writer.close()
        expect(fresh.exists(), "SafeFileWriter(path) should create the file when it does not exist yet.")
        expect(read_lines(fresh) == lines[:1],
               f"A new file written with one line should hold {lines[0]!r} and a newline; it holds "
               f"{fresh.read_text(encoding='utf-8')!r}.")
        a, b = student.SafeFileWriter(str(first)), student.SafeFileWriter(str(second))
        a.write_line(lines[1])
        b.write_line(lines[2])
        a.close()
        b.close()
        expect(read_lines(first) == lines[1:2] and read_lines(second) == lines[2:3],
               "Two writers on two different files mixed up their lines: each SafeFileWriter must keep its "
               "own file (and state) in instance attributes, not in class attributes shared by all of them.",
               idea="shared-state")

    solo(body)


@pytest.mark.points(2)
def test_text_with_a_newline_is_refused(student, fake, tmp_path):
    """A text that contains a newline raises ValueError and writes nothing."""
    path = tmp_path / "lines.txt"
    good = fake.sentence()
    bad = [f"{fake.word()}\n{fake.word()}", f"{fake.sentence()}\n", "\n"]

    def body():
        writer = student.SafeFileWriter(str(path))
        writer.write_line(good)
        for text in bad:
            try:
                writer.write_line(text)
            except ValueError:
                pass
            else:
                fail(f"write_line({text!r}) should raise ValueError: the text contains a newline.")
        writer.close()
        got = read_lines(path)
        expect(got == [good],
               f"A write_line that raises ValueError must write nothing, but the file holds {got!r} instead of "
               f"just [{good!r}]: check the text before you write any of it.")

    solo(body)


@pytest.mark.points(2)
def test_close_twice_and_write_after_close(student, fake, tmp_path):
    """close() may be called twice; write_line after close raises ValueError."""
    path = tmp_path / "closed.txt"
    line, late = fake.sentence(), fake.sentence()

    def body():
        writer = student.SafeFileWriter(str(path))
        writer.write_line(line)
        writer.close()
        expect(read_lines(path) == [line],
               f"After close() the file should hold the line written, {line!r}: close() must flush the file.")
        writer.close()  # a second close is allowed
        try:
            writer.write_line(late)
        except ValueError:
            pass
        else:
            fail("write_line after close() should raise ValueError.")
        expect(read_lines(path) == [line], "write_line after close() changed the file.")

    solo(body)


@pytest.mark.points(1)
def test_usable_as_a_context_manager(student, fake, tmp_path):
    """`with SafeFileWriter(path) as writer:` writes, then closes the file."""
    path = tmp_path / "with.txt"
    line = fake.sentence()

    def body():
        with student.SafeFileWriter(str(path)) as writer:
            expect(isinstance(writer, student.SafeFileWriter),
                   "`with SafeFileWriter(path) as writer:` should give the writer itself: __enter__ returns self.")
            writer.write_line(line)
        expect(read_lines(path) == [line], "Leaving the `with` block should close (and so flush) the file.")
        try:
            writer.write_line(line)
        except ValueError:
            pass
        else:
            fail("Leaving the `with` block should close the writer: a later write_line should raise ValueError.")

    solo(body)


@pytest.mark.points(5)
def test_lines_from_many_threads_stay_whole(student, fake, tmp_path, monkeypatch):
    """Lines written by three threads at once all arrive whole."""
    per_thread = [_sentences(fake, 3) for _ in range(3)]
    wanted = [line for lines in per_thread for line in lines]
    paths = _Paths(tmp_path / "race")
    FileTrap(paths.folder).install(monkeypatch, student)

    def body():
        path = paths.next()
        writer = student.SafeFileWriter(str(path))

        def work(lines):
            for line in lines:
                writer.write_line(line)

        threads = [threading.Thread(target=work, args=(lines,)) for lines in per_thread]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        writer.close()
        check_lines(read_lines(path), wanted, "Three threads each wrote 3 lines through one SafeFileWriter")

    race_check(body, runs=15, idea="torn-write")


@pytest.mark.points(3)
def test_close_while_another_thread_writes(student, fake, tmp_path, monkeypatch):
    """A close() that comes while a write is half done never leaves half a line."""
    lines = _sentences(fake, 4)
    paths = _Paths(tmp_path / "race")
    trap = FileTrap(paths.folder, pause=0.01).install(monkeypatch, student)  # a write takes a while

    def body():
        path = paths.next()
        trap.opened.clear()
        writer = student.SafeFileWriter(str(path))
        landed, refused = [], []

        def work():
            for line in lines:
                try:
                    writer.write_line(line)
                except ValueError:
                    refused.append(line)
                else:
                    landed.append(line)

        delay = delays[turn[0] % len(delays)]
        turn[0] += 1

        def close_during_a_write():
            if delay is None:
                for _ in range(100):  # until some write is half done (or the writer is done)
                    if trap.writing or not worker.is_alive():
                        break
                    time.sleep(0.001)
            else:  # at a moment of its own: a write may be anywhere between its first step and its last
                time.sleep(delay)
            writer.close()

        worker = threading.Thread(target=work)
        closer = threading.Thread(target=close_during_a_write)
        worker.start()
        closer.start()
        worker.join()
        closer.join()
        writer.close()
        got = read_lines(path)
        torn = [line for line in got if line not in landed]
        if torn:
            fail(f"close() ran while another thread was writing, and the file ended up with "
                 f"{plural(len(torn), 'broken line')}, for example {torn[0]!r}: close() must wait for a write "
                 "in progress (take the same lock).", idea="lock-scope")
        lost = [line for line in landed if line not in got]
        if lost:
            fail(f"write_line returned normally for {lost[0]!r} but the line is not in the file: a write that "
                 "does not raise must land whole, even when close() comes right after it.", idea="lock-scope")

    # every other run closes at a set moment instead: a design whose write_line checks "closed" and then
    # hands the line to another thread loses the line when close() comes between the two
    delays = [None, 0.0, None, 2e-4, None, 6e-4, None, 1.5e-3]
    turn = [0]
    race_check(body, runs=16, idea="lock-scope")


def _fetch_all_case(fake, n_urls: int):
    pages = _pages(fake, n_urls)
    wanted = [f"{url}\t{len(body)}" for url, body in pages.items()]
    return pages, list(pages), wanted


@pytest.mark.points(4)
def test_fetch_all_writes_one_whole_line_per_url(student, fake, tmp_path, monkeypatch):
    """fetch_all downloads every URL once and writes one whole line for each."""
    pages, urls, wanted = _fetch_all_case(fake, 8)
    n_threads = fake.random_int(3, 4)
    paths = _Paths(tmp_path / "race")
    FileTrap(paths.folder).install(monkeypatch, student)

    def body():
        path = paths.next()
        overlap = Overlap()
        got_count = plain(student.fetch_all(list(urls), slow_fetch(pages, overlap, seconds=0), str(path), n_threads),
                          int, "fetch_all")
        twice = overlap.repeated()
        if twice:
            fail(f"{plural(len(twice), 'URL was', 'URLs were')} downloaded more than once, for example "
                 f"{twice[0]!r}: taking the next URL from the shared list must be one atomic step.",
                 idea="work-twice")
        skipped = [url for url in urls if url not in overlap.args]
        if skipped:
            fail(f"{len(skipped)} of {len(urls)} URLs were never downloaded, for example {skipped[0]!r}: "
                 "taking the next URL from the shared list must be one atomic step.", idea="work-twice")
        check_lines(read_lines(path), wanted,
                    f"fetch_all({len(urls)} URLs, n_threads={n_threads}) should write one line `url<TAB>length` "
                    "per URL")
        expect(got_count == len(urls),
               f"fetch_all wrote {len(urls)} lines but returned {got_count!r}: count the lines written "
               "(a count that threads update needs the lock too).", idea="read-modify-write")

    race_check(body, runs=40, idea="torn-write", max_steps=100_000)


@pytest.mark.points(3)
def test_fetch_all_downloads_overlap(student, fake, tmp_path, monkeypatch):
    """fetch_all's downloads run at the same time: no lock is held during fetch."""
    pages, urls, _ = _fetch_all_case(fake, 4)
    n_threads = fake.random_int(2, 3)  # fewer than the URLs: one thread per URL shows
    paths = _Paths(tmp_path / "race")
    FileTrap(paths.folder).install(monkeypatch, student)

    def body():
        overlap = Overlap()
        student.fetch_all(list(urls), slow_fetch(pages, overlap), str(paths.next()), n_threads)
        main = threading.current_thread()
        expect(main not in overlap.threads,
               "fetch_all downloaded in the calling thread: call start(), not run(), so each worker thread "
               "downloads in parallel with the others.", idea="real-concurrency")
        expect(overlap.most >= 2,
               f"fetch_all({len(urls)} URLs, n_threads={n_threads}) never had two downloads running at the same "
               "time: each fetch waited for the one before it. Hold the lock only to take a URL or to write a "
               "line, never while fetch() runs.", idea="lock-scope")
        expect(overlap.most <= n_threads,
               f"fetch_all({len(urls)} URLs, n_threads={n_threads}) had {overlap.most} downloads running at the "
               f"same time: it starts n_threads worker threads, which share the URLs, not one thread per URL.",
               idea="pool-size")

    race_check(body, runs=5, max_steps=100_000)

    # one shared list of URLs, not a fixed share per thread: the URLs a fixed share would give the first
    # thread (every n-th one, or the first block) are slow; a thread done with its quick ones must go on
    # taking URLs while others still wait
    wide = 3
    spread_pages, spread, _ = _fetch_all_case(fake, 4 * wide)
    slow = {spread[i]: 1.0 for i in {*range(0, len(spread), wide), *range(4)}}
    shared = f"fetch_all({len(spread)} URLs, n_threads={wide})"

    def one_pool():
        overlap = Overlap(timeline=True)
        student.fetch_all(list(spread), slow_fetch(spread_pages, overlap, seconds=0.01, slow=slow),
                          str(paths.next()), wide)
        idle, running, waiting = overlap.idle_while_waiting(wide, len(spread))
        expect(idle < 0.5,
               f"{shared}, with {len(slow)} of the downloads taking 1 s and the others 0.01 s: for {idle:.1f} s only "
               f"{running} of the {wide} threads downloaded while {plural(waiting, 'URL')} still waited. The threads "
               "should share one list of URLs, each taking the next one as soon as it is free, not each work "
               "through a fixed share of the URLs.", idea="shared-pool")

    race_check(one_pool, runs=3, max_steps=100_000)


@pytest.mark.points(1)
def test_fetch_all_joins_its_threads(student, fake, tmp_path):
    """fetch_all waits for its threads and closes the file before it returns."""
    pages, urls, _ = _fetch_all_case(fake, 9)
    paths = _Paths(tmp_path / "real")  # a real file: what is not flushed is not there yet

    def body():
        path = paths.next()
        before = set(threading.enumerate())
        # every download takes 2 s of the engine's virtual clock, 6 s or more per thread: a join with
        # a timeout, or a sleep, returns while the threads are still downloading
        got_count = plain(student.fetch_all(list(urls), slow_fetch(pages, Overlap(), seconds=2.0), str(path), 3),
                          int, "fetch_all")
        left = new_threads_alive(before)
        expect(not left,
               f"{plural(len(left), 'thread was', 'threads were')} still running when fetch_all returned: join "
               "every thread (a plain `join()`, without a timeout; no `sleep` instead) before you return.",
               idea="join")
        got = read_lines(path)
        expect(len(got) >= got_count,
               f"fetch_all returned {got_count!r}, but when it returned the file held {plural(len(got), 'line')}: "
               "wait for every thread, then close the writer (closing flushes what is still buffered), before "
               "returning.", idea="join")

    race_check(body, runs=5, max_steps=100_000)


@pytest.mark.points(1)
def test_fetch_all_edges(student, fake, tmp_path):
    """fetch_all with no URLs, with more threads than URLs, and with one thread."""
    pages, urls, _ = _fetch_all_case(fake, 3)
    paths = _Paths(tmp_path / "real")

    def body():
        for case_urls, n_threads, _old in (([], 3, []), (urls[:2], 5, []), (urls, 1, [])):
            path = paths.next()
            call = f"fetch_all({len(case_urls)} URLs, n_threads={n_threads})"
            got_count = plain(student.fetch_all(list(case_urls), slow_fetch(pages, Overlap()), str(path), n_threads),
                              int, "fetch_all")
            expected = [f"{url}\t{len(pages[url])}" for url in case_urls]
            got = read_lines(path)
            expect(sorted(got) == sorted(expected),
                   f"{call} should write the {plural(len(case_urls), 'line')} `url<TAB>length` of its URLs; the file "
                   f"holds {got!r} instead of {expected!r}.")
            expect(got_count == len(case_urls),
                   f"{call} wrote its {plural(len(got), 'line')} but returned {got_count!r}: it returns the number "
                   "of lines it wrote.")
        # appending to a file that already holds lines: the count is of the lines this call wrote
        path = paths.next()
        path.write_text("earlier line 1\nearlier line 2\n", encoding="utf-8")
        got_count = plain(student.fetch_all(list(urls[:2]), slow_fetch(pages, Overlap()), str(path), 2),
                          int, "fetch_all")
        expect(got_count == 2,
               f"fetch_all(2 URLs) into a file that already held 2 lines returned {got_count!r}: it returns the "
               "number of lines it wrote (2), not the number of lines in the file.")

    race_check(body, runs=3, max_steps=100_000)
