"""Every output of a grading run, computed from the result model alone and written atomically.

Per student: ``results.json`` (Gradescope's results schema), ``feedback.md`` and ``feedback.html``
(with each race drawn as a timeline, one lane per thread). Per class: ``grades.csv`` and
``report.html`` (score histogram, pass rate per test, most common mistakes). No output holds a
timestamp, and only ``results.json`` holds durations, so a run with ``--seed`` is reproducible.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from autograder.exercises import EXERCISES

from . import timeline as timeline_mod
from .model import STATUSES, ExerciseResult, SubmissionResult, TestResult, format_points


def csv_header() -> list[str]:
    """grades.csv's header: the student, one column per exercise of the course in its order, the total."""
    return ["student", *EXERCISES.keys(), "total"]

_env: Environment | None = None


def environment() -> Environment:
    global _env
    if _env is None:
        _env = Environment(loader=PackageLoader("autograder", "templates"),
                           autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
                           trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
        _env.filters["points"] = format_points
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


def safe_name(student: str) -> str:
    """A student's folder name in OUT (their submission folder's name, made safe)."""
    name = re.sub(r"[^\w.@+-]", "_", student).strip(".") or "student"
    return name


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


def test_output(exercise: ExerciseResult, test: TestResult) -> str:
    """The plain-text output of one test (Gradescope, terminals)."""
    if test.passed:
        return "\n\n".join(["Passed.", *(f"Note: {note}" for note in test.notes)])
    text = test.feedback.strip()
    if test.replay and test.replay not in text:
        text += f"\n\nTo see it again: {test.replay}"
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
        row = [result.student]
        for name in EXERCISES:
            exercise = result.exercise(name)
            row.append(format_points(exercise.points) if exercise is not None else "")
        row.append(format_points(result.points))
        writer.writerow(row)
    return buffer.getvalue()


_NUMBERS = re.compile(r"-?\d+(\.\d+)?")


def mistake_key(test: TestResult) -> str:
    """What a failure says, with its numbers blanked, so that the same mistake groups together."""
    if test.status in ("missing", "timeout", "crashed", "tampered"):
        return STATUSES[test.status]
    first = split_feedback(test.feedback).what.splitlines()[0] if test.feedback.strip() else test.status
    return _NUMBERS.sub("N", first)[:160]


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
                example.setdefault(key, result.student)
    tests = list(per_test.values())
    for entry in tests:
        entry["rate"] = entry["passed"] / entry["total"] if entry["total"] else 0.0
    common = [
        {"exercise": k[0], "test": k[1], "mistake": k[2], "count": n, "example": example[k]}
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
    }


def report_html(results: list[SubmissionResult], seed: int) -> str:
    summary = class_summary(results)
    return environment().get_template("report.html.j2").render(
        summary=summary, seed=seed, exercises=list(EXERCISES), folder=safe_name)


def write_class(out: Path, results: list[SubmissionResult], seed: int) -> None:
    write_atomic(out / "grades.csv", grades_csv(results))
    write_atomic(out / "report.html", report_html(results, seed))
