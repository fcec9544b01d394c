"""What test suites use to grade: points, race checks and feedback written for students.

``autograder.testing.plugin`` is a pytest plugin (registered as the ``autograder`` entry point);
``race_check`` runs a test body under the race engine and turns a failure into a :class:`Mistake`,
the student-facing explanation of what broke, why, and how to see it again.
"""

from .feedback import IDEAS, Mistake, expect, note, race_check

__all__ = ["IDEAS", "Mistake", "expect", "note", "race_check"]
