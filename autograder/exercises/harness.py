"""What the hidden suites share: checks that cannot hang, a file a thread switch can tear, fakes.

Everything here is grader code, so the race engine runs it atomically between two preemption
points (the ``autograder`` package is out of its scope); the student's code is what it
interleaves. The few places where a thread switch must be possible inside grader code say so
with :func:`autograder.race.checkpoint`.

* :func:`solo` runs a check that uses one thread under the engine, so that a deadlock or an
  endless loop in the student's code is reported instead of hanging the grader, and waits with a
  timeout cost no real time.
* :class:`FileTrap` hands the student's code a :class:`TearableFile` instead of a real file: its
  ``write`` lets another thread run half-way through, as a real text file object can.
* :func:`plain` (and :func:`plain_each`, :func:`same`) accepts a value from the student's code only
  as a plain built-in value of the expected type, so that a check's ``==``, ``<``, ``in`` or
  ``bool()`` is never answered by an object of the student's own (an ``int`` subclass whose
  ``__eq__`` always says True would otherwise pass every comparison). Every value a suite
  compares goes through it; the grader's fakes (``fetch``, ``process``...) refuse arguments that
  are not plain for the same reason.
* :class:`Overlap` records calls of a fake slow function (``fetch``, a wrapped ``is_prime``):
  which thread made each, and how many ran at the same time.
"""

from __future__ import annotations

import builtins
import codecs
import io
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from autograder import race
from autograder.testing import IDEAS, Mistake, race_check
from autograder.testing.feedback import CONTEXT, _plain_message

_real_open = io.open


def solo(body: Callable[[], Any], *, max_steps: int = 200_000, what: str | Callable[[race.Outcome], str] | None = None,
         idea: str = "") -> None:
    """Run a one-thread check under the engine, for one schedule.

    A failed ``expect`` or an exception of the student's code inside ``body`` is raised again
    here unchanged, so its feedback is the same as without the engine; a deadlock or a run that
    never ends becomes a :class:`~autograder.testing.Mistake` (``what`` and ``idea`` tell the
    student what that means here).
    """
    caught: list[Exception] = []

    def guarded() -> None:
        try:
            body()
        except Exception as exc:  # noqa: BLE001 - re-raised below, outside the engine
            caught.append(exc)

    race_check(guarded, runs=1, max_steps=max_steps, what=what, idea=idea)
    if caught:
        raise caught[0]


def fail(what: str, idea: str = "") -> None:
    """Fail the check with a :class:`~autograder.testing.Mistake` (what broke, and the idea behind it)."""
    raise Mistake(what, idea=IDEAS.get(idea, idea), replay=CONTEXT.replay)


def when_stuck(text: str | Callable[[], str], crashed: str | None = None,
               crash_types: tuple[str, ...] = ("IndexError",)) -> Callable[[race.Outcome], str]:
    """A ``what=`` for :func:`race_check`: ``text`` (or what ``text()`` says then) if the threads
    deadlocked or never finished; ``crashed`` (with ``{error}`` for the exception) if a thread
    raised one of ``crash_types`` in a racy schedule; the usual plain-words message otherwise."""

    def what(outcome: race.Outcome) -> str:
        if outcome.kind == "busy-wait":
            return _plain_message(outcome)
        if outcome.kind == "deadlock":
            return text() if callable(text) else text
        if outcome.kind == "exception" and crashed is not None and outcome.exception_type in crash_types:
            error = outcome.message.split(": ", 1)[1] if outcome.message.startswith("in ") else outcome.message
            return crashed.format(error=error)
        return _plain_message(outcome)

    return what


def new_threads_alive(before: Iterable[threading.Thread]) -> list[threading.Thread]:
    """Threads that are alive now and were not in ``before``."""
    known = set(before)
    return [t for t in threading.enumerate() if t not in known and t.is_alive()]


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


# ------------------------------------------------------------------------------- plain values


_SCALARS = (int, float, complex, str, bytes, bool, type(None))
_CONTAINERS = (list, tuple, dict, set, frozenset)
_NAMES = {int: "an int", float: "a float", complex: "a complex number", str: "a str", bytes: "a bytes object",
          bool: "a bool", type(None): "None", list: "a list", tuple: "a tuple", dict: "a dict", set: "a set",
          frozenset: "a frozenset"}


def _kind_name(kinds: tuple[type, ...]) -> str:
    return " or ".join(_NAMES.get(kind, f"a {kind.__name__}") for kind in kinds)


def _type_name(value: Any) -> str:
    kind = type(value)  # type(), not value.__class__, which an object can fake
    if kind in _NAMES:
        return _NAMES[kind]
    return f"a {kind.__qualname__}"


def _foreign(value: Any, depth: int = 0) -> Any:
    """The first object inside ``value`` (itself included) whose type is not exactly a built-in
    scalar or container type; ``None`` when there is none. Looks only with ``type()`` and the
    built-in containers' own iteration, so the student's code decides nothing here."""
    kind = type(value)
    if kind in _SCALARS:
        return None
    if kind not in _CONTAINERS or depth > 50:
        return (value,)
    items = [x for pair in value.items() for x in pair] if kind is dict else value
    for item in items:
        found = _foreign(item, depth + 1)
        if found is not None:
            return found
    return None


def is_plain(value: Any) -> bool:
    """Whether ``value`` is built only of built-in scalars and containers (nothing of the student's own)."""
    return _foreign(value) is None


def plain(value: Any, kind: type | tuple[type, ...] | None, what: str) -> Any:
    """``value``, from the student's code, if it is a plain built-in value of ``kind``; fails the
    check otherwise.

    Plain means ``type(value)`` is exactly ``kind`` (a float accepts an int, an int does not accept
    a bool) and, for a container, every item in it (recursively) is exactly a built-in scalar or
    container. An object of the student's own class, or a subclass of ``int``/``str``/``list``,
    decides for itself what ``==``, ``<``, ``bool()``, ``len()``, ``in`` and iteration answer: a
    check that compared it would believe whatever it says. ``kind=None`` accepts any plain value.
    ``what`` names the value for the student (``"counter.value"``).
    """
    kinds: tuple[type, ...] = () if kind is None else kind if isinstance(kind, tuple) else (kind,)
    got = type(value)
    if kinds and got not in kinds and not (float in kinds and got is int):
        if got in _SCALARS or got in _CONTAINERS:
            fail(f"{what} gave {_type_name(value)} instead of {_kind_name(kinds)}: "
                 f"return {_kind_name(kinds)}.", idea="plain-value")
        fail(f"{what} gave {_type_name(value)} instead of {_kind_name(kinds)}: return a plain "
             f"{' or '.join(k.__name__ for k in kinds)}, not an object of your own class (or a subclass "
             "of a built-in type).", idea="plain-value")
    inner = _foreign(value)
    if inner is not None:
        fail(f"{what} gave {_type_name(value)} that holds {_type_name(inner[0])}: put only plain built-in values "
             "(int, str, float, list, tuple, dict, ...) in it, not objects of your own class.", idea="plain-value")
    return value


def plain_each(values: list[Any], kind: type | tuple[type, ...] | None, what: str) -> list[Any]:
    """``values`` (a list the suite filled with results of the student's code), if each one is
    plain (see :func:`plain`); fails the check otherwise."""
    for value in values:
        plain(value, kind, what)
    return values


def same(got: Any, wanted: Any, what: str) -> bool:
    """Whether ``got`` (from the student's code) equals ``wanted`` (the suite's own value), asked
    of plain built-in values only: ``got`` must have the kind of ``wanted`` (see :func:`plain`);
    inside containers each item must have the kind of the item it is compared with."""
    plain(got, type(wanted), what)
    return bool(got == wanted) and _kinds_match(got, wanted)


def _kinds_match(got: Any, wanted: Any) -> bool:
    """Whether every scalar in ``got`` has the kind of its counterpart in the equal ``wanted``
    (``True`` is equal to ``1`` but is not an int answer)."""
    if type(wanted) is float:
        return type(got) in (int, float)
    if type(got) is not type(wanted):
        return False
    if type(wanted) in (list, tuple):
        return all(_kinds_match(g, w) for g, w in zip(got, wanted))
    if type(wanted) is dict:
        return all(_kinds_match(got[key], value) for key, value in wanted.items())
    return True


# ------------------------------------------------------------------------------- files


class TearableFile:
    """A file opened for writing whose ``write`` may be interrupted half-way by another thread.

    Each ``write`` puts the first half of the text in the real file, lets the engine switch
    threads (:func:`race.checkpoint`; or, with ``pause``, sleeps that long on the engine's virtual
    clock, so that every other thread runs before the write goes on), then writes the second
    half; after ``close`` every
    operation raises ValueError, as a real file does. Everything written goes straight to the
    real file, so reading the file shows exactly what the threads produced.
    """

    def __init__(self, real: Any, pause: float = 0.0) -> None:
        self._real = real
        self._closed = False
        self._pause = pause
        self.writing = 0  # writes half done right now

    def _check_open(self) -> None:
        if self._closed:
            raise ValueError("I/O operation on closed file.")

    def write(self, text: Any) -> int:
        self._check_open()
        if isinstance(self._real, _real_file_io):
            # an unbuffered binary file: each write is one write() system call, which POSIX makes atomic
            # with respect to other writes to a regular file; another thread may run before it, never
            # in the middle
            self._wait("file.write: about to write")
            self._check_open()
            return self._real.write(text)
        if isinstance(self._real, _real_buffered):
            # a buffered binary file holds its own lock for the whole of each write ("binary buffered
            # objects ... protect their internal structures using a lock; it is therefore safe to call
            # them from multiple threads at once", the io module's documentation): one write is whole
            self._wait("file.write: about to write")
            self._check_open()
            written = self._real.write(text)
            self._real.flush()
            return written
        half = len(text) // 2
        self._real.write(text[:half])
        self._real.flush()
        self._wait("file.write: half of the text is in the file")
        self._check_open()
        self._real.write(text[half:])
        self._real.flush()
        return len(text)

    def _wait(self, what: str) -> None:
        """Let the other threads run here, with a write counted as in progress."""
        self.writing += 1
        try:
            if self._pause:
                time.sleep(self._pause)  # a slow disk: every other thread gets to run now
            else:
                race.checkpoint(what)
        finally:
            self.writing -= 1

    def writelines(self, lines: Iterable[Any]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self._check_open()
        self._real.flush()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._real.close()

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> TearableFile:
        self._check_open()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __getattr__(self, name: str) -> Any:  # name, mode, encoding, fileno, ...
        return getattr(self._real, name)


_real_os_open, _real_os_write, _real_os_close, _real_file_io = os.open, os.write, os.close, io.FileIO
_real_buffered = (io.BufferedWriter, io.BufferedRandom)
_real_codecs_open = codecs.open
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT


def _mode_of(file: Any, args: tuple, kwargs: dict) -> str:
    return str(args[0] if args else kwargs.get("mode", "r"))


class FileTrap:
    """Makes every way of opening a file for writing inside ``folder`` give a file whose writes
    can be interrupted half-way; other files open as usual.

    Covered: ``open`` (and ``io.open``, which ``Path.open``, ``Path.write_text`` and ``os.fdopen``
    use), ``codecs.open``, ``io.FileIO``, unbuffered and binary modes, ``print(..., file=f)`` (which
    calls ``f.write``), and ``os.open`` with ``os.write``. A text file's write is torn: half, another
    thread, the rest (text files are not safe to share between threads). One ``os.write``, or one write
    of an unbuffered binary file (``io.FileIO``), is one system call, which POSIX makes atomic for
    regular files, and a buffered binary file holds a lock around each write: another thread may run
    just before such a write, never in its middle. Names the student's module bound
    at import time (``from io import open``, ``from os import write``) are rebound too, when
    :meth:`install` is given the module.
    """

    def __init__(self, folder: Path, pause: float = 0.0) -> None:
        self.folder = os.path.realpath(folder)
        self.pause = pause
        self.opened: list[TearableFile] = []
        self.fds: set[int] = set()  # descriptors os.open gave out for files in the folder
        self.raw_writing = 0  # os.write calls half done right now

    @property
    def writing(self) -> int:
        """How many writes are half done right now, through any kind of file."""
        return self.raw_writing + sum(file.writing for file in self.opened)

    def _watched(self, file: Any) -> bool:
        if isinstance(file, int):
            if file in self.fds:
                return True
            try:
                target = os.readlink(f"/proc/self/fd/{file}")
            except OSError:
                return False
            return os.path.dirname(target) == self.folder
        if isinstance(file, (str, bytes, os.PathLike)):
            name = os.fsdecode(os.fspath(file))
            return os.path.dirname(os.path.realpath(name)) == self.folder
        return False

    def _wrap(self, real: Any) -> TearableFile:
        wrapped = TearableFile(real, self.pause)
        self.opened.append(wrapped)
        return wrapped

    def open(self, file: Any, *args: Any, **kwargs: Any) -> Any:
        real = _real_open(file, *args, **kwargs)
        mode = _mode_of(file, args, kwargs)
        if any(flag in mode for flag in "wax+") and self._watched(file):
            return self._wrap(real)
        return real

    def codecs_open(self, filename: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        # codecs.open calls builtins.open, which is trapped; only a name bound at import needs this
        return _real_codecs_open(filename, mode, *args, **kwargs)

    def file_io(self, file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        real = _real_file_io(file, mode, *args, **kwargs)
        if any(flag in mode for flag in "wax+") and self._watched(file):
            return self._wrap(real)
        return real

    def os_open(self, path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        fd = _real_os_open(path, flags, *args, **kwargs)
        if flags & _WRITE_FLAGS and self._watched(path if kwargs.get("dir_fd") is None else fd):
            self.fds.add(fd)
        return fd

    def os_close(self, fd: int) -> None:
        self.fds.discard(fd)
        _real_os_close(fd)

    def os_write(self, fd: int, data: Any) -> int:
        if fd not in self.fds:
            return _real_os_write(fd, data)
        # one write() system call to a regular file is atomic with respect to other writes (POSIX,
        # XSH 2.9.7): another thread may run before it, never in the middle of it
        self.raw_writing += 1
        try:
            if self.pause:
                time.sleep(self.pause)
            else:
                race.checkpoint("os.write: about to write")
        finally:
            self.raw_writing -= 1
        return _real_os_write(fd, data)

    def install(self, monkeypatch: Any, student: Any = None) -> FileTrap:
        swaps = {id(_real_open): self.open, id(builtins.open): self.open, id(_real_codecs_open): self.codecs_open,
                 id(_real_file_io): self.file_io, id(_real_os_open): self.os_open, id(_real_os_write): self.os_write,
                 id(_real_os_close): self.os_close}
        monkeypatch.setattr(builtins, "open", self.open)
        monkeypatch.setattr(io, "open", self.open)
        monkeypatch.setattr(io, "FileIO", self.file_io)
        monkeypatch.setattr(os, "open", self.os_open)
        monkeypatch.setattr(os, "write", self.os_write)
        monkeypatch.setattr(os, "close", self.os_close)
        if student is not None:  # names bound at import: `from io import open`, `from os import write`
            for name, value in list(vars(student).items()):
                if id(value) in swaps and not isinstance(value, type(student)):
                    monkeypatch.setattr(student, name, swaps[id(value)])
        return self


def read_lines(path: Path) -> list[str]:
    """The lines of a text file (without their newlines); [] if it does not exist."""
    if not path.exists():
        return []
    with _real_open(path, encoding="utf-8", newline="") as handle:
        text = handle.read()
    if not text:
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # the newline that ends the last line
    return lines


def compare_lines(got: list[str], wanted: list[str]) -> tuple[list[str], list[str]]:
    """Lines missing from ``got`` and lines in ``got`` that should not be there (with repeats)."""
    have, need = Counter(got), Counter(wanted)
    missing = list((need - have).elements())
    extra = list((have - need).elements())
    return missing, extra


def describe_lines(got: list[str], wanted: list[str], total_name: str = "lines") -> str:
    """Plain words for how the lines in a file differ from the lines that should be there."""
    missing, extra = compare_lines(got, wanted)
    duplicated = [line for line in set(extra) if line in wanted]
    torn = [line for line in extra if line not in wanted]
    parts = []
    if torn:
        parts.append(f"{plural(len(torn), 'line')} in the file {'is' if len(torn) == 1 else 'are'} torn "
                     f"(pieces of different lines mixed up), for example {torn[0]!r}")
    if missing:
        whole = " whole" if torn else ""
        parts.append(f"{len(missing)} of {len(wanted)} {total_name} never made it into the file{whole}, "
                     f"for example {missing[0]!r}")
    if duplicated:
        parts.append(f"{plural(len(duplicated), 'line')} appear more than once, for example {duplicated[0]!r}")
    return "; ".join(parts)


def check_lines(got: list[str], wanted: list[str], context: str) -> None:
    """Fail unless the file's lines are exactly ``wanted`` (in any order): torn lines teach the
    torn write; lines lost or repeated without tearing teach the lost update."""
    missing, extra = compare_lines(got, wanted)
    if not missing and not extra:
        return
    torn = [line for line in extra if line not in wanted]
    fail(f"{context}: {describe_lines(got, wanted)}.", idea="torn-write" if torn else "read-modify-write")


# ------------------------------------------------------------------------------- calls


class Overlap:
    """Records the calls of a fake slow function: the argument, the calling thread, and how many
    calls were running at the same time."""

    def __init__(self, timeline: bool = False) -> None:
        self.active = 0
        self.most = 0
        self.args: list[Any] = []
        self.threads: list[threading.Thread] = []
        self.keep_timeline = timeline
        self.timeline: list[tuple[float, int, int]] = []  # (clock, calls running, calls started so far)

    def enter(self, arg: Any) -> None:
        self.active += 1
        self.most = max(self.most, self.active)
        self.args.append(arg)
        self.threads.append(threading.current_thread())
        if self.keep_timeline:
            self.timeline.append((time.monotonic(), self.active, len(self.args)))

    def leave(self) -> None:
        self.active -= 1
        if self.keep_timeline:
            self.timeline.append((time.monotonic(), self.active, len(self.args)))

    def idle_while_waiting(self, width: int, total: int) -> tuple[float, int, int]:
        """The longest stretch of the clock (the engine's virtual one, in a race check) during which
        fewer than ``width`` calls ran although fewer than ``total`` had started: (seconds, calls
        running, calls not started yet) at its start. Needs ``Overlap(timeline=True)``."""
        worst = (0.0, width, 0)
        for (at, running, started), (until, _, _) in zip(self.timeline, self.timeline[1:]):
            if running < width and started < total and until - at > worst[0]:
                worst = (until - at, running, total - started)
        return worst

    def repeated(self) -> list[Any]:
        return [arg for arg, n in Counter(self.args).items() if n > 1]


def slow_fetch(pages: dict[str, str], overlap: Overlap, seconds: float = 1.0,
               slow: dict[str, float] | None = None) -> Callable[[str], str]:
    """A ``fetch(url)`` that takes ``seconds`` of the engine's virtual clock (``slow[url]`` for the URLs
    it names) and returns the page.

    With ``seconds=0`` it takes no time, but lets the engine switch threads in the middle (the
    threads then stay runnable and interleave finely, which is what exposes races after fetch).
    """
    slow = dict(slow or {})

    def fetch(url: str) -> str:
        if type(url) is not str:  # a str subclass could answer `in` and `==` checks as it likes
            raise TypeError(f"fetch() takes a URL as a plain str, not {_type_name(url)}: pass the URLs you were given")
        if url not in pages:
            raise ValueError(f"fetch() was called with {url!r}, which is not one of the URLs it was given")
        overlap.enter(url)
        try:
            pause = slow.get(url, seconds)
            if pause:
                time.sleep(pause)  # other threads run meanwhile
            else:
                race.checkpoint("fetch: downloading")
        finally:
            overlap.leave()
        return pages[url]

    return fetch
