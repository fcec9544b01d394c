"""The prime-checker exercise: declared here, graded by hidden_tests.py."""

from autograder.exercises import Exercise

EXERCISE = Exercise(
    "prime_checker", "A parallel prime checker",
    "worker threads share one pool of numbers; the CPU-bound twin needs processes",
    order=40, points=25,
)
