"""Swaps the code of the grader's race_check for one that always passes, from a thread of its own.

No student frame is on that thread's stack (threading's run() calls functools.partial, which calls
setattr in C), so the audit hook lets the write through: the integrity check after the test must
find it (the hook noted which function was written), and the name is built at run time so that the
static screen does not see the import.
"""
import functools
import threading

_feedback = __import__("auto" + "grader.testing.feedback", fromlist=["race_check"])


def _always_passes(body, *, seed=None, runs=200, idea="", strategy="mixed", max_steps=50_000, what=None):
    body()


_swap = threading.Thread(target=functools.partial(setattr, _feedback.race_check, "__code__",
                                                  _always_passes.__code__))
_swap.start()
_swap.join()
