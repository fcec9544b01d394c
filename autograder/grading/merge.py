"""``autograder merge``: join the outputs of several shards (or runs) into one OUT.

Each input OUT holds a gradebook; the merged OUT gets a gradebook with every student, each
student's files rewritten from the model, and one grades.csv and report.html for the whole class.
"""

from __future__ import annotations

from pathlib import Path

from . import export
from .gradebook import Gradebook
from .grader import GradingError, check_writable
from .model import SubmissionResult


def merge(inputs: list[Path], out: Path) -> list[SubmissionResult]:
    """Merge the gradebooks of ``inputs`` into ``out``; a one-line GradingError on conflicts."""
    if not inputs:
        raise GradingError("merge needs at least one OUT folder to read")
    books: list[tuple[Path, int | None, list[SubmissionResult]]] = []
    for folder in inputs:
        path = folder / "gradebook.sqlite"
        if not path.is_file():
            raise GradingError(f"{folder} has no gradebook.sqlite: is it the OUT of `autograder grade`?")
        book = Gradebook(path)
        try:
            seed = book.meta("seed")
            books.append((folder, int(seed) if seed is not None else None, book.all()))
        finally:
            book.close()
    seeds = {seed for _, seed, _ in books if seed is not None}
    if len(seeds) > 1:
        listed = ", ".join(f"{folder} ({seed})" for folder, seed, _ in books)
        raise GradingError(f"the outputs were graded with different seeds: {listed}; grade every shard with "
                           "the same --seed")
    merged: dict[str, tuple[Path, SubmissionResult]] = {}
    for folder, _, results in books:
        for result in results:
            seen = merged.get(result.student)
            if seen is not None and seen[1].fingerprint != result.fingerprint:
                raise GradingError(f"student {result.student!r} was graded differently in {seen[0]} and {folder}")
            merged.setdefault(result.student, (folder, result))
    check_writable(out)
    seed = seeds.pop() if seeds else 0
    results = [merged[name][1] for name in sorted(merged)]
    book = Gradebook(out / "gradebook.sqlite")
    try:
        book.set_meta("seed", str(seed))
        for result in results:
            book.put(result)
            export.write_student(out, result)
    finally:
        book.close()
    export.write_class(out, results, seed)
    return results
