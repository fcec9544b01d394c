"""The exercises as nbgrader notebooks, autograded by nbgrader with the grader's own suites.

``autograder nbgrader init COURSE_DIR`` writes the course (see :mod:`.course`); inside a notebook's
kernel, :func:`check` grades the notebook's code with one test of an exercise's suite (see
:mod:`.kernel`). Importing this package does not import nbgrader: the kernel needs only the grader.
"""

from .kernel import CheckFailed, check

__all__ = ["CheckFailed", "check"]
