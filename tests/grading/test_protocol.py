"""The records between the child and the grader: round trips, forgeries and the status strings outputs keep."""

from __future__ import annotations

import json
import os

import pytest

from autograder.grading import child, model
from autograder.grading.protocol import (
    Begin,
    Call,
    Channel,
    Collected,
    End,
    Hello,
    ProtocolError,
    Receiver,
    Result,
    Status,
    TestId,
    decode,
)

RECORDS = [Hello(1, 1000, 42), Collected((TestId("counter", "test_a"), TestId("counter", "test_b"))),
           Begin("counter", "test_a"), Call("counter", "test_a"), Result({"status": "passed", "points": 2}, ()),
           Result(None, ("pytest.main",)), End(0, ())]


def sent(records, key=b"k" * 32) -> bytes:
    read, write = os.pipe()
    try:
        channel = Channel(write, key)
        for record in records:
            channel.send(record)
        os.close(write)
        data = b""
        while chunk := os.read(read, 1 << 16):
            data += chunk
        return data
    finally:
        os.close(read)


def test_every_record_round_trips_through_a_signed_channel():
    assert list(Receiver(b"k" * 32).feed(sent(RECORDS))) == RECORDS
    for record in RECORDS:
        assert decode(json.loads(json.dumps(record.to_dict()))) == record
    assert child.Channel is Channel  # the child's side still offers it under its old name


def test_a_forged_reordered_or_malformed_line_is_refused():
    good = sent(RECORDS[:3])
    lines = good.splitlines(keepends=True)
    with pytest.raises(ProtocolError):
        list(Receiver(b"x" * 32).feed(good))  # another key
    with pytest.raises(ProtocolError):
        list(Receiver(b"k" * 32).feed(lines[1] + lines[0]))  # out of order
    with pytest.raises(ProtocolError):
        list(Receiver(b"k" * 32).feed(lines[0] + lines[0]))  # replayed
    with pytest.raises(ProtocolError):
        list(Receiver(b"k" * 32).feed(b'0 00 {"t": "hello"}\n'))
    with pytest.raises(ProtocolError):
        list(Receiver(b"k" * 32).feed(sent([{"t": "begin", "module": 3, "test": "x"}])))  # signed, wrong shape
    assert list(Receiver(b"k" * 32).feed(sent([{"t": "news"}, Begin("a", "b")]))) == [Begin("a", "b")]


def test_statuses_are_their_strings_in_every_output():
    assert json.dumps([Status.PASSED]) == '["passed"]' and f"{Status.TIMEOUT}" == "timeout"
    assert Status.parse("passed") is Status.PASSED
    assert Status.parse("timeout") is Status.ERROR and Status.parse(None) is Status.ERROR  # a plugin cannot say so
    stored = json.dumps(model.TestResult("t", "T", 1, 0, Status.CRASHED).to_dict())
    result = model.TestResult.from_dict(json.loads(stored))
    assert result.status is Status.CRASHED and result.to_dict()["status"] == "crashed"


def _in_a_fork(check) -> int:
    """Run ``check()`` in a forked copy of this process; its exit status (0: it returned True)."""
    pid = os.fork()
    if pid == 0:
        try:
            os._exit(0 if check() else 1)
        finally:
            os._exit(2)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
        return True
    except OSError:
        return False


def test_a_forked_copy_gets_neither_the_channels_descriptor_nor_its_key():
    read, write = os.pipe()
    try:
        channel = Channel(write, b"k" * 32)
        assert _in_a_fork(lambda: not _is_open(write) and channel._mac is None) == 0
        assert _is_open(write) and channel._mac is not None  # the original keeps both
    finally:
        os.close(read)
        os.close(write)


def test_a_fork_leaves_alone_a_descriptor_that_reused_a_gone_channels_number():
    read, write = os.pipe()
    channel = Channel(write, b"k" * 32)
    os.close(read)
    os.close(write)
    read, write = os.pipe()  # the same numbers again, now someone else's pipe (the channel still lives)
    try:
        assert _in_a_fork(lambda: _is_open(read) and _is_open(write)) == 0
        assert channel._fd == write  # (its number was reused)
    finally:
        os.close(read)
        os.close(write)
