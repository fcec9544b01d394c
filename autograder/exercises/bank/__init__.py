"""The bank exercise (transfers that never deadlock): declared here, graded by hidden_tests.py."""

from autograder.exercises import Exercise

EXERCISE = Exercise(
    "bank", "A bank that never deadlocks", "take the locks in one global order: dining philosophers",
    order=80, points=25,
    ideas={
        "lock-order": (
            "Two threads that each hold one lock and wait for the other's wait forever: the dining "
            "philosophers. A transfer from A to B that locks A then B, and one from B to A that locks B "
            "then A, can do exactly that. Give every lock a rank that never ties (an account's unique "
            "number, not its owner's name) and have every thread take the locks it needs in rank order."
        ),
        "consistent-snapshot": (
            "Reading many pieces of shared state one after another is not one step: a transfer can move "
            "money between your reads, so you count it twice or not at all. To see them all at one "
            "moment, hold every lock that guards them at the same time (taken in the same global order "
            "as everyone else), and only then read."
        ),
    },
)
