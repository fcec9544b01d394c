"""The canary suite: what the grader checks about itself before grading a class (see ``__init__``)."""

from __future__ import annotations

import threading

import pytest

from autograder import race

STUDENT_MODULE = "canary"


@pytest.mark.points(1)
def test_the_child_runs_this_grader(student):
    """The child imports the same grader (code and suites) as the process that grades."""
    from autograder.grading.grader import grader_version

    assert student.GRADER_VERSION == grader_version(), (
        f"the child runs grader {grader_version()}, the grading process {student.GRADER_VERSION}")


@pytest.mark.points(1)
def test_the_engine_controls_threads(student):
    """The race engine finds a lost update that a plain run would almost never show."""

    def body():
        box = [0]

        def work():
            for _ in range(5):
                value = box[0]
                box[0] = value + 1

        threads = [threading.Thread(target=work) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert box[0] == 10, "lost"

    outcome = race.explore(body, seed=1, runs=200, scope=[__file__])  # this file is in the grader: in scope here
    assert not outcome.ok and outcome.kind == "assertion", f"the engine missed a lost update ({outcome.kind})"
