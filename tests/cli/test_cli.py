"""The command line itself: one-line errors for bad input, pluggable verbs, and the demo."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from autograder import cli


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, stdin=subprocess.DEVNULL)


def one_line_error(done: subprocess.CompletedProcess, words: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("autograder: error:") and words in lines[0], done.stderr


def test_bad_grade_input_gets_one_line_and_writes_nothing(tmp_path):
    subs = tmp_path / "subs"
    (subs / "alice").mkdir(parents=True)
    a_file = tmp_path / "file.txt"
    a_file.write_text("x", encoding="utf-8")
    one_line_error(run_cli("grade", str(tmp_path / "nope"), "--out", str(tmp_path / "o1")), "does not exist")
    one_line_error(run_cli("grade", str(a_file), "--out", str(tmp_path / "o2")), "is a file, not a folder")
    one_line_error(run_cli("grade", str(subs), "--out", str(a_file)), "cannot write to")
    one_line_error(run_cli("grade", str(subs), "--out", str(tmp_path / "o3"), "--shard", "3/2"), "--shard")
    one_line_error(run_cli("grade", str(subs), "--out", str(tmp_path / "o4"), "--shard", "half"), "K/N")
    one_line_error(run_cli("grade", str(subs), "--out", str(tmp_path / "o5"), "--jobs", "0"), "at least 1")
    one_line_error(run_cli("grade", str(subs)), "--out")
    one_line_error(run_cli("merge", str(subs), "--out", str(tmp_path / "o6")), "no gradebook.sqlite")
    one_line_error(run_cli("no-such-verb"), "invalid choice")
    assert not any((tmp_path / f"o{i}").exists() for i in range(1, 7))


def test_optional_verbs_are_discovered_and_broken_ones_skipped(monkeypatch):
    module = types.ModuleType("fake_verbs_for_test")

    def register(subparsers):
        parser = subparsers.add_parser("hello")
        parser.add_argument("name")
        parser.set_defaults(func=lambda args: 7 if args.name == "world" else 0)

    module.register = register
    monkeypatch.setitem(sys.modules, "fake_verbs_for_test", module)
    broken = types.ModuleType("broken_verbs_for_test")  # no register(): must be skipped
    monkeypatch.setitem(sys.modules, "broken_verbs_for_test", broken)
    monkeypatch.setattr(cli, "SUBCOMMANDS", [*cli.SUBCOMMANDS, "no.such.module", "broken_verbs_for_test",
                                              "fake_verbs_for_test"])
    assert cli.main(["hello", "world"]) == 7
    with pytest.raises(SystemExit) as exc:
        cli.main(["grade", "--help"])
    assert exc.value.code == 0


def test_demo_builds_grades_and_points_to_the_report(tmp_path):
    out = tmp_path / "demo-out"
    done = run_cli("demo", "--out", str(out), "--students", "3", "--quiet", "--jobs", "2")
    assert done.returncode == 0, done.stderr
    report = out / "graded" / "report.html"
    assert f"Class report: {report}" in done.stdout
    assert report.is_file()
    with open(out / "graded" / "grades.csv", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    students = sorted(p.name for p in (out / "submissions").iterdir())
    assert [r[0] for r in rows[1:]] == students and len(students) == 3
    for student in students:
        assert (out / "graded" / student / "feedback.html").is_file()
    assert os.path.getsize(report) > 1000


def _parsers(parser, path=()):
    import argparse

    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, (*path, name))


def test_every_argument_of_every_command_has_help_text():
    import argparse

    missing = []
    for path, parser in _parsers(cli.build_parser()):
        for action in parser._actions:
            if isinstance(action, (argparse._HelpAction, argparse._VersionAction, argparse._SubParsersAction)):
                continue
            if not action.help:
                missing.append(f"autograder {' '.join(path)} {'/'.join(action.option_strings) or action.dest}")
    assert not missing, missing


def test_every_command_that_reads_the_course_takes_course():
    wanted = {("check",), ("grade",), ("demo",), ("gradescope", "build"), ("gradescope", "run"),
              ("classroom", "init"), ("classroom", "report"), ("release",), ("nbgrader", "init"), ("validate",),
              ("new",)}
    found = {path for path, parser in _parsers(cli.build_parser())
             if any("--course" in a.option_strings for a in parser._actions)}
    assert wanted <= found, wanted - found
