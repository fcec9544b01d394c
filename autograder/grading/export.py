"""Every output of a grading run, computed from the result model alone and written atomically.

Per student: ``results.json`` (Gradescope's results schema), ``feedback.md`` and ``feedback.html``
(with each race drawn as a timeline, one lane per thread). Per class: ``grades.csv`` and
``report.html`` (score histogram, pass rate per test, most common mistakes). No output holds a
timestamp, and only ``results.json`` holds durations, so a run with ``--seed`` is reproducible.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from autograder.exercises import EXERCISES

from . import timeline as timeline_mod
from .model import STATUSES, ExerciseResult, SubmissionResult, TestResult, format_points
from .protocol import Status


def csv_header() -> list[str]:
    """grades.csv's header: the student, one column per exercise of the course in its order, the total,
    and the flags (tampering, the static screen's findings) for the instructor's review."""
    return ["student", *EXERCISES.keys(), "total", "flags"]

_env: Environment | None = None


_CODE = re.compile(r"`([^`\n]+)`")
_BOLD = re.compile(r"\*\*([^*\n]+)\*\*")


def markdown_inline(text: Any) -> Markup:
    """The little Markdown feedback uses, inside one line: `code` and **bold**; everything else escaped."""
    escaped = str(escape(str(text)))
    escaped = _CODE.sub(lambda m: f"<code>{m.group(1)}</code>", escaped)
    return Markup(_BOLD.sub(lambda m: f"<strong>{m.group(1)}</strong>", escaped))


def markdown_block(text: Any) -> Markup:
    """Feedback text as HTML: blank lines make paragraphs, ``- `` lines a list, indented lines stay preformatted."""
    parts = []
    for block in str(text).strip().split("\n\n"):
        lines = block.splitlines()
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{markdown_inline(line[2:])}</li>" for line in lines)
            parts.append(f"<ul>{items}</ul>")
        elif all(line.startswith("  ") for line in lines):
            parts.append(f"<pre>{escape(block)}</pre>")
        else:
            parts.append("<p>" + "<br>\n".join(str(markdown_inline(line)) for line in lines) + "</p>")
    return Markup("\n".join(parts))


def environment() -> Environment:
    global _env
    if _env is None:
        _env = Environment(loader=PackageLoader("autograder", "templates"),
                           autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
                           trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
        _env.filters["points"] = format_points
        _env.filters["md"] = markdown_block
        _env.filters["mdi"] = markdown_inline
    return _env


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``path`` so that a reader sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(tmp, mode, **({} if isinstance(data, bytes) else {"encoding": "utf-8", "newline": ""})) as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


_SAFE = re.compile(r"[A-Za-z0-9_@+-][A-Za-z0-9_.@+-]*")


def safe_name(student: str) -> str:
    """A student's folder name in OUT: their submission folder's name when it is already safe.

    Any other name is made safe and gets a short digest of the original, so two students never
    share a folder (``h_dup a`` and ``h_dup_a`` stay apart) and the name is the same on every
    machine, in every shard and in ``merge``.
    """
    if _SAFE.fullmatch(student) and student not in (".", ".."):
        return student
    cleaned = re.sub(r"[^\w.@+-]", "_", student, flags=re.ASCII).strip("._") or "student"
    digest = hashlib.sha256(student.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    return f"{cleaned[:80]}-{digest}"


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """A text cell that no spreadsheet reads as a formula (OWASP: CSV injection).

    A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
    apostrophe, which spreadsheets show as text. Numbers are written by the caller, never through here.
    """
    return f"'{value}" if value.startswith(_FORMULA_START) else value


# ------------------------------------------------------------------------------ feedback parts


@dataclass
class FeedbackParts:
    what: str
    why: str
    excerpt: str
    replay: str


def split_feedback(text: str) -> FeedbackParts:
    """Split a Mistake's text (what / Why / How it happened / To see it again) into its parts."""
    what, why, excerpt, replay = [], "", "", ""
    for part in text.split("\n\n"):
        if part.startswith("Why: "):
            why = part[len("Why: "):]
        elif part.startswith("How it happened:\n"):
            excerpt = part[len("How it happened:\n"):]
        elif part.startswith("To see it again: "):
            replay = part[len("To see it again: "):]
        elif excerpt and part.startswith("  "):
            excerpt += "\n\n" + part
        else:
            what.append(part)
    return FeedbackParts("\n\n".join(what).strip(), why, excerpt, replay)


INSTRUCTOR_REPLAY = "Your instructor can replay this exact run"


def replay_label(command: str) -> str:
    """How a replay command is introduced: a hidden test's command runs only where the hidden tests are."""
    if "--hidden" in command:
        return (f"{INSTRUCTOR_REPLAY} (the hidden tests are on the grader's machine, not yours): "
                f"`{command}`. On your machine, the feedback above and the public tests "
                "(`autograder check EXERCISE`) are what you have.")
    return f"To see it again: `{command}`"


def test_output(exercise: ExerciseResult, test: TestResult) -> str:
    """The plain-text output of one test (Gradescope, terminals)."""
    if test.passed:
        return "\n\n".join(["Passed.", *(f"Note: {note}" for note in test.notes)])
    parts = split_feedback(test.feedback)
    replay = test.replay or parts.replay
    text = test.feedback.strip()
    if parts.replay:
        text = text.replace(f"\n\nTo see it again: {parts.replay}", "").strip()
    if replay:
        text += "\n\n" + replay_label(replay).replace("EXERCISE", exercise.name)
    return text


# ----------------------------------------------------------------------------- per student


def gradescope_results(result: SubmissionResult) -> dict[str, Any]:
    """The submission in Gradescope's results.json format."""
    tests = []
    for number_ex, exercise in enumerate(result.exercises, start=1):
        for number_test, test in enumerate(exercise.tests, start=1):
            tests.append({
                "name": f"{exercise.name}: {test.title}",
                "number": f"{number_ex}.{number_test}",
                "score": test.points,
                "max_score": test.max_points,
                "status": "passed" if test.passed else "failed",
                "output": test_output(exercise, test),
                "output_format": "text",
                "tags": [exercise.name, test.status],
                "visibility": "visible",
            })
    lines = [f"{format_points(result.points)} / {format_points(result.max_points)} points"]
    for exercise in result.exercises:
        lines.append(f"- {exercise.name}: {format_points(exercise.points)} / {format_points(exercise.max_points)}"
                     + (f" ({exercise.message})" if exercise.message else ""))
    return {
        "score": result.points,
        "execution_time": max(0, round(result.duration)),
        "output": "\n".join(lines),
        "output_format": "md",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def _test_view(exercise: ExerciseResult, test: TestResult) -> dict[str, Any]:
    parts = split_feedback(test.feedback)
    line = timeline_mod.build((test.outcome or {}).get("trace"))
    replay = test.replay or parts.replay
    return {
        "test": test, "exercise": exercise, "status_text": STATUSES.get(test.status, test.status),
        "what": parts.what, "why": parts.why, "excerpt": parts.excerpt if line.empty else "",
        "timeline": line, "timeline_md": timeline_mod.to_markdown(line), "replay": replay,
        "replay_text": replay_label(replay).replace("EXERCISE", exercise.name) if replay else "",
    }


def _student_context(result: SubmissionResult) -> dict[str, Any]:
    exercises = []
    for exercise in result.exercises:
        exercises.append({"exercise": exercise, "tests": [_test_view(exercise, t) for t in exercise.tests]})
    return {"result": result, "exercises": exercises, "student": result.student}


def feedback_markdown(result: SubmissionResult) -> str:
    return environment().get_template("feedback.md.j2").render(**_student_context(result))


def feedback_html(result: SubmissionResult) -> str:
    return environment().get_template("feedback.html.j2").render(**_student_context(result))


def write_student(out: Path, result: SubmissionResult) -> Path:
    folder = out / safe_name(result.student)
    write_atomic(folder / "results.json", json.dumps(gradescope_results(result), indent=2) + "\n")
    write_atomic(folder / "feedback.md", feedback_markdown(result))
    write_atomic(folder / "feedback.html", feedback_html(result))
    return folder


# -------------------------------------------------------------------------------- the class


def grades_csv(results: list[SubmissionResult]) -> str:
    """One row per student: points per exercise (empty when the exercise is not graded here), total."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(csv_header())
    for result in sorted(results, key=lambda r: r.student):
        row = [csv_cell(result.student)]
        for name in EXERCISES:
            exercise = result.exercise(name)
            row.append(format_points(exercise.points) if exercise is not None else "")
        row.append(format_points(result.points))
        row.append(csv_cell("; ".join(result.flags)))  # tampering and the static screen's findings, for review
        writer.writerow(row)
    return buffer.getvalue()


_NUMBERS = re.compile(r"-?\d+(\.\d+)?")


def mistake_key(test: TestResult) -> str:
    """What a failure says, with its numbers blanked, so that the same mistake groups together."""
    if test.status in (Status.MISSING, Status.TIMEOUT, Status.CRASHED, Status.TAMPERED):
        return STATUSES[test.status]
    first = split_feedback(test.feedback).what.splitlines()[0] if test.feedback.strip() else test.status
    return _NUMBERS.sub("N", first)[:160]


def mistake_example(test: TestResult) -> str:
    """One student's own words for a mistake (its first line, real numbers and all), for the class report."""
    if test.status in ("missing", "timeout", "crashed", "tampered"):
        return STATUSES[test.status]
    first = split_feedback(test.feedback).what.splitlines()[0] if test.feedback.strip() else test.status
    return first[:200]


def class_summary(results: list[SubmissionResult]) -> dict[str, Any]:
    """Histogram, pass rate per test and most common mistakes (what report.html shows)."""
    results = sorted(results, key=lambda r: r.student)
    max_points = max((r.max_points for r in results), default=0.0)
    bins = 10
    histogram = [0] * bins
    for result in results:
        share = result.points / max_points if max_points else 0.0
        histogram[min(bins - 1, int(share * bins))] += 1
    labels = []
    for i in range(bins):
        low, high = max_points * i / bins, max_points * (i + 1) / bins
        labels.append(f"{format_points(round(low, 1))}–{format_points(round(high, 1))}")
    per_test: dict[tuple[str, str], dict[str, Any]] = {}
    mistakes: Counter[tuple[str, str, str]] = Counter()
    example: dict[tuple[str, str, str], str] = {}
    example_text: dict[tuple[str, str, str], str] = {}
    for result in results:
        for exercise, test in result.tests():
            entry = per_test.setdefault((exercise.name, test.name), {
                "exercise": exercise.name, "name": test.name, "title": test.title,
                "max_points": test.max_points, "passed": 0, "total": 0,
            })
            entry["total"] += 1
            entry["passed"] += 1 if test.passed else 0
            if not test.passed:
                key = (exercise.name, test.title, mistake_key(test))
                mistakes[key] += 1
                if key not in example:
                    example[key] = result.student
                    example_text[key] = mistake_example(test)
    tests = list(per_test.values())
    for entry in tests:
        entry["rate"] = entry["passed"] / entry["total"] if entry["total"] else 0.0
    common = [
        {"exercise": k[0], "test": k[1], "mistake": example_text[k], "count": n, "example": example[k]}
        for k, n in sorted(mistakes.items(), key=lambda kv: (-kv[1], kv[0]))[:12]
    ]
    totals = [r.points for r in results]
    return {
        "students": len(results),
        "max_points": max_points,
        "mean": (sum(totals) / len(totals)) if totals else 0.0,
        "median": sorted(totals)[len(totals) // 2] if totals else 0.0,
        "histogram": [{"label": label, "count": count} for label, count in zip(labels, histogram)],
        "histogram_max": max(histogram) if histogram else 0,
        "tests": tests,
        "mistakes": common,
        "results": results,
        "flagged": [r for r in results if r.flags],
    }


def report_html(results: list[SubmissionResult], seed: int) -> str:
    summary = class_summary(results)
    return environment().get_template("report.html.j2").render(
        summary=summary, seed=seed, exercises=list(EXERCISES), folder=safe_name)


def write_class(out: Path, results: list[SubmissionResult], seed: int) -> None:
    write_atomic(out / "grades.csv", grades_csv(results))
    write_atomic(out / "report.html", report_html(results, seed))
