"""The producer-consumer pipeline exercise: declared here, graded by hidden_tests.py."""

from autograder.exercises import Exercise

EXERCISE = Exercise(
    "pipeline", "A producer-consumer pipeline", "producers and consumers meet at one bounded queue",
    order=50, points=25,
    ideas={
        "sentinel": (
            "A consumer that waits on `queue.get()` sleeps until an item comes, so it only stops if "
            "something tells it to: put one sentinel (a special object meaning \"no more items\") per "
            "consumer, after every producer has finished, and let each consumer stop at the first "
            "sentinel it takes. One sentinel stops one consumer; the others wait forever."
        ),
        "items-before-stop": (
            "Every item put before the stop signals must still be processed: put the sentinels only once "
            "every item is in the queue, into a queue that keeps its order (`queue.Queue` is first in, "
            "first out; a `LifoQueue` or `PriorityQueue` can hand a sentinel out before items put earlier), "
            "and let a consumer stop only when it takes a sentinel, never because the queue looked empty."
        ),
        "close-once": (
            "close() may be called again after the consumers have stopped: the second call must not "
            "stop them again. Nobody is left to take a second round of stop signals, so putting them "
            "into a bounded queue waits for room for ever. Remember under the lock that the pipeline is "
            "closed, and let a later close() return the results the first one gathered."
        ),
        "bounded-queue": (
            "A bounded queue (`queue.Queue(maxsize)`) makes a fast producer wait in `put()` while the "
            "queue is full, so the items waiting for a consumer never pile up beyond the limit: memory "
            "stays bounded however fast the producers are. `queue.Queue()` without a size, or with "
            "`maxsize=0`, has no limit at all."
        ),
        "error-report": (
            "An exception raised in a thread ends that thread, and nobody else sees it: the item is "
            "lost, and whoever waits for that thread may wait forever. Catch the exception around the "
            "work on one item, record it (with the item) for the caller, and go on with the next item."
        ),
    },
)
