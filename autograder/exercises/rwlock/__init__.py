"""The readers-writer lock exercise: declared here, graded by hidden_tests.py."""

from autograder.exercises import Exercise

EXERCISE = Exercise(
    "rwlock", "A readers-writer lock", "many readers or one writer, on a Condition, no one starved",
    order=70, points=25,
    ideas={
        "readers-share": (
            "A readers-writer lock exists so that readers, who change nothing, can be inside at the "
            "same time. A reader must wait only while a writer is inside (or, to be fair, waiting); a "
            "lock that lets one thread in at a time is a plain mutex, correct but no faster."
        ),
        "rw-exclusion": (
            "A writer must be alone: no other writer and no reader may be inside while it writes. "
            "Keep the state that says who is inside (a count of readers, a writing flag) under the "
            "Condition's lock, change it only while holding that lock, and let a thread in only after "
            "re-checking, in a `while` loop, that the state allows it."
        ),
        "notify-all": (
            "`notify()` wakes one waiting thread, and not necessarily one that can go on: readers and "
            "writers wait on the same Condition for different things, and several readers may go in "
            "at once. When the state changes so that others may go on, wake them all with "
            "`notify_all()` and let each one re-check its own condition."
        ),
        "starvation": (
            "If readers may always come in while others are reading, a steady stream of readers keeps "
            "a writer waiting forever: it is starved. Once a writer is waiting, hold back new readers "
            "(count the waiting writers and make readers wait while there are any), so the readers "
            "inside drain away and the writer gets its turn."
        ),
        "give-up-cleanly": (
            "A thread that stops waiting because its timeout ran out must undo everything it did to "
            "announce itself (a count of waiting writers, say) and wake the threads it was holding "
            "back (`notify_all()`); otherwise they keep waiting for a thread that has left."
        ),
    },
)
