"""The file-writer exercise: declared here, graded by hidden_tests.py."""

from autograder.exercises import Exercise

EXERCISE = Exercise(
    "file_writer", "A file many threads write to", "fetching threads append lines to one file through one lock",
    order=20, points=25,
)
