"""The file-writer exercise: declared here, graded by hidden_tests.py."""

from autograder.exercises import Exercise

EXERCISE = Exercise(
    "file_writer", "A file many threads write to", "fetching threads append lines to one file through one lock",
    order=20, points=25,
    ideas={
        # the same words as the downloader's: a pool of n workers, whatever it downloads for
        "pool-size": (
            "A pool of n workers is a limit: at most n jobs run at the same time, whatever the number "
            "of jobs. `ThreadPoolExecutor(max_workers=n)`, n threads of your own that take jobs from one "
            "queue, or a `BoundedSemaphore(n)` held around the work all keep it; one thread per job "
            "does not."
        ),
    },
)
