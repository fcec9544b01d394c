"""The shared-counter exercise: declared here, graded by hidden_tests.py."""

from autograder.exercises import Exercise

EXERCISE = Exercise(
    "counter", "A shared counter", "num_threads += 1 from many threads loses updates",
    order=10, points=25,
)
