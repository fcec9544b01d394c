"""The downloader exercise (a bounded pool of workers for I/O): declared here, graded by hidden_tests.py."""

from autograder.exercises import Exercise

EXERCISE = Exercise(
    "downloader", "A downloader with a pool of workers", "threads overlap waiting, not computing",
    order=60, points=25,
    ideas={
        "input-order": (
            "Threads finish in whatever order their work takes, not in the order it was handed out. "
            "To give results back in input order, keep each result with its position: collect the "
            "futures in a list in input order and read them in that order, use `executor.map`, or "
            "store each result at its index in a list made beforehand."
        ),
        "pool-size": (
            "A pool of n workers is a limit: at most n jobs run at the same time, whatever the number "
            "of jobs. `ThreadPoolExecutor(max_workers=n)`, n threads of your own that take jobs from one "
            "queue, or a `BoundedSemaphore(n)` held around the work all keep it; one thread per job "
            "does not."
        ),
        "download-timeout": (
            "Nothing can stop a thread from outside, so a timeout must be given to the call that "
            "blocks (`fetch(url, timeout=t)`, like `urlopen(url, timeout=t)`): then that call itself "
            "gives up. `future.result(timeout=t)` only stops waiting for the answer; the worker stays "
            "stuck in the download, and the pool waits for it when it shuts down."
        ),
    },
)
