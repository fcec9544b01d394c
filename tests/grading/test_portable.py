"""The portable runner (what Windows and macOS students get), forced on Linux with AUTOGRADER_PORTABLE=1.

It must grade exactly like the POSIX sandbox: the reference solution passes every public test, a
wrong sample loses the same tests with the same feedback, a forged result is refused, a hang is
stopped at its time limit, and the one note line names what is missing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.exercises import EXERCISES
from autograder.grading import sandbox
from autograder.grading.sandbox import probing

from .conftest import counter_variant, run_cli, solution_text

PORTABLE = {"AUTOGRADER_PORTABLE": "1"}
ZOO = Path(__file__).resolve().parents[1] / "exercises" / "zoo"
NOTE = "autograder: note: the portable runner checks your code in a child process with time limits"


def one_note(stderr: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(NOTE), stderr
    assert "no change of user" in lines[0]


def first_wrong(exercise: str) -> tuple[Path, str]:
    """A wrong zoo sample of ``exercise`` and the first hidden test aimed at its mistake."""
    manifest = json.loads((ZOO / exercise / "manifest.json").read_text(encoding="utf-8"))
    name, aimed = next(iter(manifest["wrong"].items()))
    return ZOO / exercise / "wrong" / f"{name}.py", next(iter(aimed))


@pytest.mark.parametrize("exercise", list(EXERCISES))
def test_the_reference_solution_passes_every_public_test(tmp_path, exercise):
    spec = EXERCISES[exercise]
    (tmp_path / spec.file_name).write_text(solution_text(exercise), encoding="utf-8")
    done = run_cli("check", exercise, "--seed", "3", cwd=tmp_path, env=PORTABLE)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith(("PASS", "FAIL"))]
    assert lines and all(line.startswith("PASS") for line in lines), done.stdout
    one_note(done.stderr)


@pytest.mark.parametrize("exercise", list(EXERCISES))
def test_a_wrong_sample_fails_with_the_same_verdicts_and_feedback_as_the_posix_sandbox(tmp_path, exercise):
    sample, aimed = first_wrong(exercise)
    if not sample.is_file():
        pytest.skip(f"the zoo has no {sample.name} for {exercise}")
    shutil.copy(sample, tmp_path / EXERCISES[exercise].file_name)
    args = ("check", exercise, "--hidden", "--seed", "5", "--test", aimed)
    portable = run_cli(*args, cwd=tmp_path, env=PORTABLE)
    posix = run_cli(*args, cwd=tmp_path, env={"AUTOGRADER_PORTABLE": "0"})
    assert portable.returncode == posix.returncode == 1, portable.stdout + portable.stderr
    assert portable.stdout == posix.stdout
    one_note(portable.stderr)


@pytest.mark.parametrize("variant", ["fake_results", "patch_grader", "os_exit_midway", "syntax_error"])
def test_hostile_files_get_the_same_verdicts_as_in_the_posix_sandbox(tmp_path, variant):
    text = counter_variant(variant).replace("OUT_DIR", str(tmp_path / "out")).replace("STUDENT", "x")
    (tmp_path / "counter.py").write_text(text, encoding="utf-8")
    args = ("check", "counter", "--hidden", "--seed", "2", "--time-limit", "30")
    portable = run_cli(*args, cwd=tmp_path, env=PORTABLE)
    posix = run_cli(*args, cwd=tmp_path, env={"AUTOGRADER_PORTABLE": "0"})
    assert portable.returncode == posix.returncode == 1, portable.stdout + portable.stderr
    verdicts = [line for line in portable.stdout.splitlines() if line.startswith(("PASS", "FAIL"))]
    assert verdicts == [line for line in posix.stdout.splitlines() if line.startswith(("PASS", "FAIL"))]
    assert any(line.startswith("FAIL") for line in verdicts)


def test_a_hang_is_stopped_at_the_time_limit(tmp_path):
    (tmp_path / "counter.py").write_text("import time\ntime.sleep(10**6)\n", encoding="utf-8")
    done = run_cli("check", "counter", "--time-limit", "3", cwd=tmp_path, env=PORTABLE, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "did not finish within 3 seconds" in done.stdout and "[ran out of time]" in done.stdout
    assert "PASS" not in done.stdout
    one_note(done.stderr)


def test_the_portable_runner_is_chosen_off_linux_or_when_asked(monkeypatch):
    monkeypatch.setenv("AUTOGRADER_PORTABLE", "1")
    decided = sandbox._decide()
    assert decided.portable and not decided.drop and decided.cgroup is None and decided.problems
    assert "portable runner" in decided.describe()
    monkeypatch.setenv("AUTOGRADER_PORTABLE", "0")
    monkeypatch.setattr(probing.sys, "platform", "win32")
    assert probing.portable_requested()
    monkeypatch.setattr(probing.sys, "platform", "linux")
    assert not probing.portable_requested()


WITHOUT_POSIX = """
import os, signal, sys
sys.modules["resource"] = None  # as on Windows: importing it fails
sys.modules["fcntl"] = None
for name in ("killpg", "getuid", "geteuid", "getpgrp", "fork", "register_at_fork", "setsid"):
    if hasattr(os, name):
        delattr(os, name)
for name in ("SIGKILL", "SIGXCPU", "SIGXFSZ"):
    if hasattr(signal, name):
        delattr(signal, name)
sys.platform = "win32"
import autograder.race, autograder.testing.plugin
from autograder.grading import child, check, sandbox
from autograder.grading.sandbox import probing
child.apply_limits({"cpu": 10, "as": 1 << 30}, best_effort=True)
child.drop_privileges(None, None)
child.die_with_parent()
assert child.clear_strays() and not child.worn_out()
assert probing.portable_requested() and sandbox._decide().portable
print(sandbox._decide().problems)
"""


def test_the_check_path_imports_and_runs_without_posix_only_calls(tmp_path):
    """What Windows lacks (resource, fcntl, killpg, getuid, fork, SIGKILL...) is never needed on the check path."""
    done = subprocess.run([sys.executable, "-c", WITHOUT_POSIX], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert "no limit on CPU time, memory, processes" in done.stdout
