"""Children forked from the pre-imported zygote: nothing of the grader's reaches them but their own channel."""

from __future__ import annotations

import json
import sys

import pytest

from autograder.grading import sandbox
from autograder.grading.sandbox import process, zygote

from .conftest import solution_text

pytestmark = pytest.mark.skipif(not zygote.wanted() or not sys.platform.startswith("linux"),
                                reason="the zygote forks (POSIX) and this test reads /proc (Linux)")

SUITE = '''
STUDENT_MODULE = "probe"


def test_reports(student):
    assert student.FACTS is None
'''
PROBE = '''
import json, os

FACTS = {}
for name in os.listdir("/proc/self/fd"):
    try:
        FACTS[name] = os.readlink(f"/proc/self/fd/{name}")
    except OSError:
        pass
raise RuntimeError("FACTS " + json.dumps({"fds": FACTS, "environ": dict(os.environ)}, sort_keys=True))
'''


def run_probe(tmp_path, monkeypatch, keys: list[bytes]) -> dict:
    real = process.secrets.token_bytes

    def token_bytes(n: int) -> bytes:
        keys.append(real(n))
        return keys[-1]

    monkeypatch.setattr(process.secrets, "token_bytes", token_bytes)
    (tmp_path / "suites").mkdir(parents=True, exist_ok=True)
    (tmp_path / "suites" / "probe_tests.py").write_text(SUITE, encoding="utf-8")
    (tmp_path / "probe.py").write_text(PROBE, encoding="utf-8")
    plan = [sandbox.PlannedTest("probe", tmp_path / "suites" / "probe_tests.py", "test_reports")]
    verdicts = sandbox.run_tests({"probe.py": tmp_path / "probe.py"}, plan, seed=1, replay="{test}")
    verdict = verdicts[("probe", "test_reports")]
    assert verdict.record is not None, (verdict.status, verdict.reason)
    text = str(verdict.record["feedback"])
    assert "FACTS " in text, text
    value, _ = json.JSONDecoder().raw_decode(text[text.index("FACTS ") + 6:])
    return value


def test_a_forked_child_holds_no_descriptor_or_key_but_its_own(tmp_path, monkeypatch):
    sent: list[bytes] = []
    real_send = zygote.socket.send_fds

    def send_fds(sock, buffers, fds, *args):
        sent.extend(buffers)
        return real_send(sock, buffers, fds, *args)

    monkeypatch.setattr(zygote.socket, "send_fds", send_fds)
    keys: list[bytes] = []
    first = run_probe(tmp_path / "a", monkeypatch, keys)
    second = run_probe(tmp_path / "b", monkeypatch, keys)
    assert sent, "the children were not forked from the zygote"
    for facts in (first, second):
        targets = list(facts["fds"].values())
        assert not [t for t in targets if t.startswith("socket:")], facts  # not the zygote's control socket
        pipes = [fd for fd, t in facts["fds"].items() if t.startswith("pipe:")]
        assert pipes == [str(3)], facts  # its own results channel, nothing of another child
        assert not any(key.hex() in json.dumps(facts) for key in keys)
    # what the zygote is told names no key: keys go from the grader straight to each child
    assert len(keys) >= 2 and not any(key.hex().encode() in message for key in keys for message in sent)
    assert solution_text("counter")
