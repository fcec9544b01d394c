"""The records crossing between the sandbox child and the grader, typed, signed and verified in one place.

Both ends import this module: the child (:mod:`autograder.grading.child`) builds records and writes
them with a :class:`Channel`; the grader (:mod:`autograder.grading.sandbox`) reads bytes into a
:class:`Receiver`, which verifies and decodes them. On the wire each record is one line::

    <seq> <hex HMAC-SHA256 of "<seq> <payload>"> <payload: JSON object with "t" = the record kind>\\n

The key is handed to the child on its standard input before any student code runs, so nothing the
student's code prints or writes can forge a record, replay one, or drop one unnoticed (the
sequence numbers must follow each other from 0).

Also here: :class:`Status` (what became of a test; the strings are the ones every output shows)
and :class:`Reason` (why the sandbox has no verdict of the plugin's for a test).
"""

from __future__ import annotations

import hmac
import json
import os
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, ClassVar

PROTOCOL = 1
TAMPERED_EXIT = 70  # the child's exit status after it found the grader's code changed
MAX_BUFFER = 64 * 1024 * 1024  # bytes of unfinished records the grader keeps before it gives up on a child


class _StrEnum(str, Enum):
    """An enum whose members are their strings everywhere: JSON, f-strings, templates, dict keys."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


class Status(_StrEnum):
    """What became of one test. Only ``passed`` earns points."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"  # the test could not run (an error in set-up, or the grader gave up)
    SKIPPED = "skipped"
    TIMEOUT = "timeout"
    CRASHED = "crashed"
    TAMPERED = "tampered"
    MISSING = "missing"  # the student handed in no file for this exercise

    @property
    def from_plugin(self) -> bool:
        """Whether this is a status the plugin itself reports (and so comes with its record)."""
        return self in _PLUGIN_STATUSES

    @classmethod
    def parse(cls, value: Any) -> Status:
        """The status a plugin record names; anything it should not say counts as ``error``."""
        try:
            status = cls(value)
        except ValueError:
            return cls.ERROR
        return status if status.from_plugin else cls.ERROR


_PLUGIN_STATUSES = frozenset({Status.PASSED, Status.FAILED, Status.ERROR, Status.SKIPPED})


class ExerciseStatus(_StrEnum):
    GRADED = "graded"
    MISSING = "missing"


class Cause(_StrEnum):
    """Why a test has no verdict of the plugin's (or why the one it has cannot count)."""

    TEST_TIMEOUT = "test-timeout"  # this test ran past its own wall-time limit
    EXERCISE_TIMEOUT = "exercise-timeout"  # the exercise's time ran out while this test ran
    EXERCISE_BUDGET = "exercise-budget"  # the exercise's time was used up before this test could run
    CHANNEL = "channel"  # a record on the results channel was forged, out of order or out of place
    TAMPERED_EXIT = "exit"  # the child found the grader's code changed and ended itself
    CHANGED = "changed"  # the child found these parts of the grader changed (``detail``)
    SIGNAL = "signal"  # the child died of a signal (``detail``: its name)
    EXIT = "exit-status"  # the child exited without its end record (``detail``: the status)
    UNKNOWN = "unknown"  # the child is gone and nothing says why
    GAVE_UP = "gave-up"  # too many children were needed; the rest was given up
    NO_RECORD = "no-record"  # the test ended without the plugin's record
    NOT_COLLECTED = "not-collected"  # pytest did not find the test


@dataclass(frozen=True)
class Reason:
    """Why the sandbox decided a test's status itself. ``during_import``: the student's module was
    being imported, so every test of that exercise shares this fate."""

    cause: Cause
    detail: str = ""
    during_import: bool = False

    def importing(self) -> Reason:
        return Reason(self.cause, self.detail, during_import=True)

    def __str__(self) -> str:
        text = f"{self.cause.value}:{self.detail}" if self.detail else self.cause.value
        return text + (" (while importing)" if self.during_import else "")


NO_REASON = Reason(Cause.UNKNOWN)


# ------------------------------------------------------------------------------------- records


class ProtocolError(ValueError):
    """A record that does not verify or does not have the shape its kind requires."""


class Kind(_StrEnum):
    HELLO = "hello"
    COLLECTED = "collected"
    BEGIN = "begin"
    CALL = "call"
    RESULT = "result"
    END = "end"


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise ProtocolError(f"{key!r} must be a string")
    return value


def _int(data: dict[str, Any], key: str) -> int:
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ProtocolError(f"{key!r} must be an integer")
    return value


def _texts(data: dict[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProtocolError(f"{key!r} must be a list of strings")
    return tuple(value)


@dataclass(frozen=True)
class TestId:
    """One test as both ends name it: the exercise's student module and the test function."""

    __test__: ClassVar[bool] = False  # not a pytest test class
    module: str
    test: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.module, self.test)

    def to_dict(self) -> dict[str, Any]:
        return {"module": self.module, "test": self.test}

    @classmethod
    def from_dict(cls, data: Any) -> TestId:
        if not isinstance(data, dict):
            raise ProtocolError("a test must be an object")
        return cls(_text(data, "module"), _text(data, "test"))


@dataclass(frozen=True)
class Hello:
    """The child is ready: it runs as ``uid``; student code has not been imported yet."""

    KIND: ClassVar[Kind] = Kind.HELLO
    protocol: int
    uid: int
    pid: int

    def to_dict(self) -> dict[str, Any]:
        return {"t": self.KIND.value, "protocol": self.protocol, "uid": self.uid, "pid": self.pid}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Hello:
        return cls(_int(data, "protocol"), _int(data, "uid"), _int(data, "pid"))


@dataclass(frozen=True)
class Collected:
    """The tests pytest collected, in the order it will run them."""

    KIND: ClassVar[Kind] = Kind.COLLECTED
    tests: tuple[TestId, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"t": self.KIND.value, "tests": [t.to_dict() for t in self.tests]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Collected:
        tests = data.get("tests") or []
        if not isinstance(tests, list):
            raise ProtocolError("'tests' must be a list")
        return cls(tuple(TestId.from_dict(t) for t in tests))


@dataclass(frozen=True)
class Begin:
    """A test starts (set-up first: the student's module is imported there)."""

    KIND: ClassVar[Kind] = Kind.BEGIN
    module: str
    test: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.module, self.test)

    def to_dict(self) -> dict[str, Any]:
        return {"t": self.KIND.value, "module": self.module, "test": self.test}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Begin:
        return cls(_text(data, "module"), _text(data, "test"))


@dataclass(frozen=True)
class Call:
    """The test's set-up is over (the student's module imported); its body runs."""

    KIND: ClassVar[Kind] = Kind.CALL
    module: str
    test: str

    def to_dict(self) -> dict[str, Any]:
        return {"t": self.KIND.value, "module": self.module, "test": self.test}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Call:
        return cls(_text(data, "module"), _text(data, "test"))


@dataclass(frozen=True)
class Result:
    """The test ended: the plugin's record (None when it made none) and what the child found changed."""

    KIND: ClassVar[Kind] = Kind.RESULT
    record: dict[str, Any] | None = None
    tampered: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"t": self.KIND.value, "record": self.record, "tampered": list(self.tampered)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Result:
        record = data.get("record")
        if record is not None and not isinstance(record, dict):
            raise ProtocolError("'record' must be an object or null")
        return cls(record, _texts(data, "tampered"))


@dataclass(frozen=True)
class End:
    """pytest returned ``exit``; the child checked the grader's code one last time."""

    KIND: ClassVar[Kind] = Kind.END
    exit: int = -1
    tampered: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"t": self.KIND.value, "exit": self.exit, "tampered": list(self.tampered)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> End:
        return cls(_int(data, "exit"), _texts(data, "tampered"))


Record = Hello | Collected | Begin | Call | Result | End
_KINDS: dict[str, type] = {k.KIND.value: k for k in (Hello, Collected, Begin, Call, Result, End)}


MAX_TEXT = 64 * 1024  # characters of one string of a record the grader keeps (student-controlled text)
MAX_RECORD_TEXT = 2 * 1024 * 1024  # characters of all the strings of one record
MAX_ITEMS = 5000  # items of one list of a record (the rest are dropped: a list keeps its items' shape)


def clean(data: Any) -> Any:
    """A record's decoded JSON made safe to publish: text that cannot be written as UTF-8 (lone
    surrogates, which JSON allows and a student's exception message can hold) becomes U+FFFD, and
    a record's text is bounded (each string, each list, and all of its strings together), so that
    one student's flood of feedback cannot exhaust the grader's memory or the disk."""
    budget = [MAX_RECORD_TEXT]

    def text(value: str) -> str:
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                value = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        room = max(0, min(MAX_TEXT, budget[0]))
        if len(value) > room:
            value = value[:room] + f" [... {len(value) - room:,} more characters cut by the grader]"
        budget[0] -= min(len(value), room)
        return value

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return text(value)
        if isinstance(value, list):
            return [walk(v) for v in value[:MAX_ITEMS]]
        if isinstance(value, dict):
            return {text(k) if isinstance(k, str) else k: walk(v) for k, v in value.items()}
        return value

    return walk(data)


def decode(data: Any) -> Record | None:
    """The record a verified payload holds; None for a kind this grader does not know (ignored)."""
    if not isinstance(data, dict):
        raise ProtocolError("a record must be an object")
    kind = _KINDS.get(str(data.get("t")))
    return kind.from_dict(data) if kind is not None else None


# ------------------------------------------------------------------------- signing, verifying


def sign(key_mac: Any, seq: int, payload: str) -> str:
    """The HMAC of one record (``key_mac`` is an ``hmac`` object made with the key)."""
    mac = key_mac.copy()
    mac.update(f"{seq} {payload}".encode())
    return mac.hexdigest()


class Channel:
    """The child's end: writes authenticated records; refuses to write from a forked copy of its process.

    Everything it calls is bound when it is made, before student code runs, so that replacing
    ``os.write`` or ``json.dumps`` later cannot change what it sends.
    """

    def __init__(self, fd: int, key: bytes) -> None:
        self._fd = fd
        self._mac = hmac.new(key, digestmod="sha256")
        self._seq = 0
        self._pid = os.getpid()
        self._write = os.write
        self._dumps = json.dumps
        self._getpid = os.getpid
        self._sign = sign
        self._close = os.close
        self._fstat = os.fstat
        try:
            stat = os.fstat(fd)
            self._identity: tuple[int, int] | None = (stat.st_dev, stat.st_ino)
        except OSError:
            self._identity = None
        if hasattr(os, "register_at_fork"):
            # a forked copy of the child (os.fork, multiprocessing's fork start method) gets neither the
            # descriptor nor the key: whatever it finds of this object, it cannot sign or send a record.
            # (The hook outlives the channel, and a process may make more than one: it holds the channel
            # weakly, and closes the descriptor only while that number is still the channel's pipe.)
            ref = weakref.ref(self)
            os.register_at_fork(after_in_child=lambda: _forget_in_fork(ref))

    def _forget(self) -> None:
        fd, self._fd, self._mac = self._fd, -1, None
        if fd < 0 or self._identity is None:
            return
        try:
            stat = self._fstat(fd)
            if (stat.st_dev, stat.st_ino) == self._identity:
                self._close(fd)
        except OSError:
            pass

    def send(self, record: Record | dict[str, Any]) -> None:
        if self._getpid() != self._pid or self._mac is None:
            return
        data = record if isinstance(record, dict) else record.to_dict()
        payload = self._dumps(data, sort_keys=True, default=str)
        line = f"{self._seq} {self._sign(self._mac, self._seq, payload)} {payload}\n".encode()
        self._seq += 1
        view = memoryview(line)
        while view:
            written = self._write(self._fd, view)
            view = view[written:]

    @property
    def pid(self) -> int:
        return self._pid


def _forget_in_fork(ref: Any) -> None:
    channel = ref()
    if channel is not None:
        channel._forget()


@dataclass
class Receiver:
    """The grader's end: bytes in, verified records out, in order. Raises :class:`ProtocolError` at the
    first line that is forged, out of sequence or malformed, and when unfinished bytes pile up."""

    key: bytes
    _mac: Any = field(init=False, repr=False)
    _buffer: bytes = field(default=b"", init=False, repr=False)
    _seq: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self._mac = hmac.new(self.key, digestmod="sha256")

    def feed(self, data: bytes) -> Iterator[Record]:
        """Every whole record ``data`` completes (stop iterating to leave the rest unread)."""
        self._buffer += data
        while b"\n" in self._buffer:
            line, self._buffer = self._buffer.split(b"\n", 1)
            record = self.verify(line)
            if record is not None:
                yield record
        if len(self._buffer) > MAX_BUFFER:
            raise ProtocolError("a record longer than the channel allows")

    def verify(self, line: bytes) -> Record | None:
        """One line: checked against the key and the next sequence number, then decoded."""
        try:
            seq_text, digest, payload = line.decode("utf-8").split(" ", 2)
            seq = int(seq_text)
        except (ValueError, UnicodeDecodeError):
            raise ProtocolError("a line that is not a record") from None
        if seq != self._seq:
            raise ProtocolError(f"record {seq} where {self._seq} was due")
        if not hmac.compare_digest(digest, sign(self._mac, seq, payload)):
            raise ProtocolError("a record whose signature does not verify")
        self._seq += 1
        try:
            data = json.loads(payload)
        except json.JSONDecodeError:
            raise ProtocolError("a record that is not JSON") from None
        return decode(clean(data))
