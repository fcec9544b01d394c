"""``autograder check``: what a student sees, its exit codes, and replaying a failure exactly."""

from __future__ import annotations

import re
import shutil

from autograder.exercises import EXERCISES

from .conftest import racy_counter, run_cli, solution_text


def test_check_passes_a_right_file_in_the_current_folder(tmp_path):
    (tmp_path / "counter.py").write_text(solution_text("counter"), encoding="utf-8")
    done = run_cli("check", "counter", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith(("PASS", "FAIL"))]
    assert lines and all(line.startswith("PASS") for line in lines)
    assert f"{len(lines)} of {len(lines)} tests passed." in done.stdout


def test_a_failure_shows_feedback_and_a_command_that_replays_it(tmp_path):
    (tmp_path / "mine.py").write_text(racy_counter(), encoding="utf-8")
    done = run_cli("check", "counter", "mine.py", "--seed", "4", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAIL  two threads lose no increments" in done.stdout
    assert "increments were lost" in done.stdout and "Why:" in done.stdout
    commands = re.findall(r"To see it again: (autograder check .*)", done.stdout)
    assert commands
    command = commands[0]
    assert command.startswith("autograder check counter mine.py --seed 4 --test test_")
    replay = run_cli(*command.split()[1:], cwd=tmp_path)
    assert replay.returncode == 1
    def first_failure(text: str) -> list[str]:
        # up to the next test's line (two failures in a row), or the blank lines before the summary
        block = re.split(r"\n(?:FAIL|PASS)  |\n\n\n", text.split("FAIL  ", 1)[1], maxsplit=1)[0]
        return block.strip().splitlines()[:40]

    assert first_failure(replay.stdout) == first_failure(done.stdout)


def test_hidden_failures_from_grading_replay_with_check_hidden(tmp_path):
    (tmp_path / "counter.py").write_text(racy_counter(), encoding="utf-8")
    done = run_cli("check", "counter", "--hidden", "--seed", "9", "--test", "test_no_increment_is_lost",
                   cwd=tmp_path)
    assert done.returncode == 1
    assert "increments were lost" in done.stdout
    assert "autograder check counter counter.py --hidden --seed 9 --test test_no_increment_is_lost" in done.stdout


def test_bad_usage_exits_2_with_one_line(tmp_path):
    cases = [
        (["check", "no_such_exercise"], "unknown exercise"),
        (["check", "counter"], "counter.py not found"),
        (["check", "counter", "elsewhere.py"], "elsewhere.py not found"),
    ]
    (tmp_path / "other.py").write_text("x = 1\n", encoding="utf-8")
    for args, words in cases:
        done = run_cli(*args, cwd=tmp_path)
        assert done.returncode == 2, args
        assert words in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    shutil.copy(EXERCISES["counter"].solution, tmp_path / "counter.py")
    done = run_cli("check", "counter", "--test", "test_nothing_like_this", cwd=tmp_path)
    assert done.returncode == 2 and "has no test 'test_nothing_like_this'" in done.stderr


def test_a_hanging_file_fails_its_tests_instead_of_hanging(tmp_path):
    (tmp_path / "counter.py").write_text("import time\ntime.sleep(10**6)\n", encoding="utf-8")
    done = run_cli("check", "counter", "--time-limit", "3", cwd=tmp_path)
    assert done.returncode == 1
    assert "did not finish within 3 seconds" in done.stdout
    assert "[ran out of time]" in done.stdout
