"""The vending-machine exercise: declared here, graded by hidden_tests.py."""

from autograder.exercises import Exercise

EXERCISE = Exercise(
    "vending_machine", "A candy vending machine", "a BoundedSemaphore counts the slots",
    order=30, points=25,
)
