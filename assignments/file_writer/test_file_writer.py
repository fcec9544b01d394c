"""Public checks for file_writer.py. Run them with `autograder check file_writer` (or `pytest` here).

The race tests run your code under the grader's race engine, which decides which thread runs next
between every instruction of your code. A real file's write() is C code the engine cannot stop in
the middle, so these tests hand your writer a file whose write() may be interrupted half-way,
the way a real text file can be when several threads write at once.
"""

import threading

from autograder.exercises.harness import FileTrap
from autograder.testing import expect, race_check

STUDENT_MODULE = "file_writer"


def test_lines_are_appended(student, tmp_path):
    path = tmp_path / "log.txt"
    path.write_text("already there\n")
    writer = student.SafeFileWriter(str(path))
    writer.write_line("first")
    writer.write_line("second")
    writer.close()
    writer.close()  # closing twice is allowed
    got = path.read_text()
    expect(got == "already there\nfirst\nsecond\n", f"The file should end with two new lines; it holds {got!r}.")


def test_a_newline_is_refused(student, tmp_path):
    path = tmp_path / "log.txt"
    with student.SafeFileWriter(str(path)) as writer:
        try:
            writer.write_line("two\nlines")
        except ValueError:
            pass
        else:
            raise AssertionError("write_line('two\\nlines') should raise ValueError.")
    expect(path.read_text() == "", "A refused line must not be written at all.")


def test_two_threads_write_whole_lines(student, tmp_path, monkeypatch):
    folder = tmp_path / "race"
    folder.mkdir()
    # every way of opening a file in this folder (open, Path.open, os.fdopen, os.open and os.write...)
    # gives a file whose write() may be interrupted half-way
    FileTrap(folder).install(monkeypatch, student)
    runs = []

    def body():
        path = folder / f"run{len(runs)}.txt"
        runs.append(path)
        writer = student.SafeFileWriter(str(path))
        lines = {"A": ["apple pie", "apricot jam"], "B": ["banana bread", "blueberry muffin"]}
        threads = [threading.Thread(target=lambda mine=mine: [writer.write_line(x) for x in mine])
                   for mine in lines.values()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        writer.close()
        got = sorted(path.read_text().splitlines())
        wanted = sorted(lines["A"] + lines["B"])
        expect(got == wanted, f"The file should hold the 4 lines whole; it holds {got}.")

    race_check(body, runs=30, idea="torn-write")


def test_fetch_all(student, tmp_path):
    pages = {"https://example.org/a": "aaaa", "https://example.org/b": "bb", "https://example.org/c": ""}

    def body():
        path = tmp_path / "pages.txt"
        path.unlink(missing_ok=True)
        got = student.fetch_all(list(pages), pages.__getitem__, str(path), n_threads=2)
        lines = sorted(path.read_text().splitlines())
        wanted = sorted(f"{url}\t{len(body)}" for url, body in pages.items())
        expect(lines == wanted, f"fetch_all should write one line per URL, {wanted}; the file holds {lines}.")
        expect(got == 3, f"fetch_all should return 3, the number of lines written, not {got!r}.")

    race_check(body, runs=20)
