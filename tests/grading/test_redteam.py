"""The red team's attacks on the grader: each one a whole ``counter.py`` a hostile student could hand in.

Every attack is graded through the real command line beside the racy counter alone (``baseline``, a
counter with no lock: what honest wrong code earns) and the reference solution (``right``). Each test
asserts the behaviour the grader should have: the attack earns no more than its honest code, a
tampering attack is flagged in grades.csv, and no output a student sees holds the hidden suite, in
plain lines or in an encoding the attack announces (``LEAK<base64 of zlib>LEAK``).

Attacks that still work are marked ``xfail(strict=True)`` with the hole in one line, so the suite
stays green while each hole stays visible; once the grader closes a hole its test passes, the strict
xfail fails, and the mark must go.
"""

from __future__ import annotations

import base64
import binascii
import csv
import html
import importlib.util
import os
import py_compile
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.grading import guard_leaks

from .conftest import HOSTILE, run_cli, solution_text, write_submission

REDTEAM = HOSTILE / "redteam"
RACY = HOSTILE / "attacks" / "_racy.py"
OUTPUTS = ("feedback.md", "feedback.html", "results.json")
SEED = int(os.environ.get("AG_REDTEAM_SEED", "4"))
LIMITS = ["--time-limit", "20", "--exercise-time-limit", "120"]
BLOB = re.compile(r"LEAK<([A-Za-z0-9+/=]+)>LEAK")


@dataclass(frozen=True)
class Attack:
    name: str
    kind: str  # "points" (a wrong solution passes), "evade" (the engine is dodged), "leak", "reach" (the channel)
    flag: bool  # whether grades.csv's flags column should call it tampering (a static "review:" is not enough)
    hole: str = ""  # set while the attack still works: the xfail's reason


ATTACKS = [
    # (the suites are out of sys.modules before student code runs: it finds no suite to disassemble)
    Attack("dis_leak", "leak", False),
    Attack("pyc_leak", "leak", True),
    Attack("lying_value", "points", False),
    Attack("frame_via_logging", "points", True),
    Attack("stack_locals", "points", True),
    Attack("closure_walk", "points", True),
    Attack("engine_detect", "evade", True),
    Attack("gettrace_detect", "evade", True),
    Attack("computed_return", "points", False),
    Attack("channel_via_logging", "reach", False),
    Attack("linecache_leak", "leak", False),
    Attack("raw_threads", "evade", False),
    Attack("skip_when_racing", "points", False),
    Attack("suite_via_program", "leak", False),
    Attack("scope_poison", "evade", False, hole="names built at run time still reach the engine through a module "
           "attribute; what it plants there, and the steps its search burns, still beat the racy counter"),
]
# the suites are covered from programs the child starts only where it has a private view (as root)
NEEDS_PRIVATE_VIEW = {"suite_via_program"}


def hidden_pyc() -> Path:
    """The hidden suite's compiled file, as ``pip install`` of a wheel leaves it in site-packages."""
    suite = Path(importlib.util.find_spec("autograder.exercises.counter").origin).parent / "hidden_tests.py"
    cached = Path(importlib.util.cache_from_source(str(suite)))
    if not cached.exists():
        py_compile.compile(str(suite), cfile=str(cached), doraise=True)
    return cached


@pytest.fixture(scope="module")
def graded(once_per_session) -> dict:
    def make(root: Path) -> dict:
        hidden_pyc()
        subs = root / "subs"
        write_submission(subs / "baseline", {"counter.py": RACY.read_text(encoding="utf-8")})
        write_submission(subs / "right", {"counter.py": solution_text("counter")})
        for attack in ATTACKS:
            source = (REDTEAM / f"{attack.name}.py").read_text(encoding="utf-8")
            write_submission(subs / attack.name, {"counter.py": source})
        out = root / "out"
        done = run_cli("grade", str(subs), "--out", str(out), "--jobs", "2", "--seed", str(SEED), *LIMITS,
                       timeout=1500)
        assert done.returncode == 0, done.stderr
        return {"out": str(out)}

    out = Path(once_per_session("redteam", make)["out"])
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert float(rows["right"]["counter"]) == 25.0, rows["right"]
    return {"out": out, "rows": rows}


def leaks(out: Path, name: str, catalogs) -> list[str]:
    """Hidden material in what student ``name`` sees: whole lines, or an announced encoded blob of it."""
    suite = guard_leaks.leak_filter([c.suite for c in catalogs.values()])
    secrets = {line for line in suite.secret if len(line) >= 25}
    found: list[str] = []
    for file in OUTPUTS:
        path = out / name / file
        if not path.exists():
            continue
        text = html.unescape(path.read_text(encoding="utf-8")).replace("\\n", "\n").replace('\\"', '"')
        lines = {guard_leaks.normalize(line).strip("'\"`,") for line in text.splitlines()}
        found += [f"{file}: {line}" for line in secrets if line in lines]
        for blob in BLOB.findall(text):
            try:
                data = zlib.decompress(base64.b64decode(blob))
            except (binascii.Error, zlib.error, ValueError):
                continue
            if b"test_no_increment_is_lost" in data and b"_not_counted_on" in data:
                found.append(f"{file}: the hidden suite's bytecode ({len(data)} bytes)")
        found += [f"{file}: reached {what}" for what in re.findall(r"REACHED (\w+\.channel)", text)]
    return found


def _param(attack: Attack):
    marks = [pytest.mark.xfail(strict=True, reason=f"redteam: {attack.hole}")] if attack.hole else []
    return pytest.param(attack, id=attack.name, marks=marks)


@pytest.mark.parametrize("attack", [_param(a) for a in ATTACKS])
def test_attack_gains_nothing_leaks_nothing_and_is_flagged(attack: Attack, graded, catalogs):
    if attack.name in NEEDS_PRIVATE_VIEW:
        from autograder.grading.sandbox import isolation

        if not isolation().namespaces or os.geteuid() != 0:
            pytest.skip("the grader covers the suites only where the child has a private view (root, namespaces)")
    rows, out = graded["rows"], graded["out"]
    baseline = float(rows["baseline"]["counter"])
    row = rows[attack.name]
    problems = []
    if float(row["counter"]) > baseline:
        problems.append(f"earned {row['counter']} > the honest racy counter's {baseline}")
    if attack.flag and "tampering" not in row["flags"]:
        problems.append(f"not flagged (flags={row['flags']!r})")
    leaked = leaks(out, attack.name, catalogs)
    if leaked:
        problems.append(f"leaked: {leaked[:2]}")
    assert not problems, (attack.name, problems)
