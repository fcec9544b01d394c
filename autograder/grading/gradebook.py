"""The SQLite gradebook inside OUT: what was graded, from which files, by which grader, with which seed.

Running ``grade`` again on the same OUT reads it to skip every submission whose fingerprint (its
files, the grader version and the seed) is unchanged; each finished submission is committed at
once, so an interrupted run loses at most the submissions that were still running.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from .model import SubmissionResult

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS submissions (
    student TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    points REAL NOT NULL,
    graded_at REAL NOT NULL,
    result TEXT NOT NULL
);
"""


class Gradebook:
    """A small key-value store of :class:`SubmissionResult` per student (one SQLite file)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)
        self._db.commit()

    def meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def get(self, student: str) -> SubmissionResult | None:
        row = self._db.execute("SELECT result FROM submissions WHERE student = ?", (student,)).fetchone()
        return SubmissionResult.from_dict(json.loads(row[0])) if row else None

    def put(self, result: SubmissionResult) -> None:
        with self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO submissions (student, fingerprint, points, graded_at, result) "
                "VALUES (?, ?, ?, ?, ?)",
                (result.student, result.fingerprint, result.points, result.graded_at,
                 json.dumps(result.to_dict(), sort_keys=True)),
            )

    def all(self) -> list[SubmissionResult]:
        rows = self._db.execute("SELECT result FROM submissions ORDER BY student").fetchall()
        return [SubmissionResult.from_dict(json.loads(r[0])) for r in rows]

    def students(self) -> dict[str, float]:
        """student -> when it was graded (for tests and the resume summary)."""
        return dict(self._db.execute("SELECT student, graded_at FROM submissions").fetchall())

    def close(self) -> None:
        self._db.close()
