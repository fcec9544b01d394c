"""The in-process suite runner now lives in the package (``autograder.grading.validate``, used by
``autograder validate``); this name stays so that older imports keep working."""

from __future__ import annotations

from pathlib import Path

from autograder.grading.validate import (  # noqa: F401 - re-exported
    ALLOWED_FIXTURES,
    HiddenTest,
    Result,
    hidden_tests,
    run_public,
    run_suite,
    samples,
    schedules,
    stage,
    suite_module,
)

ZOO = Path(__file__).resolve().parent / "zoo"
