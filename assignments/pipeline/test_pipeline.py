"""Public checks for pipeline.py. Run them with `autograder check pipeline` (or `pytest` here).

The race tests run your code under the grader's race engine, which decides which thread runs next
between every instruction of your code. A thread that waits forever (for an item that never comes,
say) is reported at once as a deadlock, with what every thread was waiting for.
"""

import threading

from autograder.testing import expect, race_check

STUDENT_MODULE = "pipeline"


def shout(word):
    if word == "oops":
        raise ValueError("cannot shout oops")
    return word.upper()


def test_one_thread_puts_and_closes(student):
    pipeline = student.Pipeline(shout, n_consumers=1, maxsize=2)
    for word in ["tea", "toast", "jam"]:
        pipeline.put(word)
    results, errors = pipeline.close()
    expect(sorted(results) == ["JAM", "TEA", "TOAST"] and errors == [],
           f"close() should return (['TEA', 'TOAST', 'JAM'] in any order, []); it returned {(results, errors)!r}.")


def test_a_failing_item_is_reported(student):
    results, errors = student.run_pipeline([["a", "oops", "b"]], shout, n_consumers=1, maxsize=1)
    expect(sorted(results) == ["A", "B"], f"The two good items should give ['A', 'B']; results were {results!r}.")
    expect(len(errors) == 1 and errors[0][0] == "oops" and isinstance(errors[0][1], ValueError),
           f"errors should be [('oops', ValueError(...))]; it was {errors!r}.", idea="error-report")


def test_every_consumer_stops(student):
    def body():
        before = set(threading.enumerate())
        pipeline = student.Pipeline(shout, n_consumers=3, maxsize=2)
        threads = [threading.Thread(target=lambda words=words: [pipeline.put(w) for w in words])
                   for words in (["ant", "bee"], ["cat", "dog"])]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        results, errors = pipeline.close()
        expect(sorted(results) == ["ANT", "BEE", "CAT", "DOG"],
               f"Every item should be processed exactly once; results were {results!r}.")
        left = [t for t in threading.enumerate() if t not in before and t.is_alive()]
        expect(not left, f"{len(left)} consumer threads were still running after close().", idea="join")

    race_check(body, runs=30, idea="sentinel")


def test_run_pipeline_from_two_sources(student):
    def body():
        results, errors = student.run_pipeline([["x", "y"], ["z"]], shout, n_consumers=2, maxsize=1)
        expect(sorted(results) == ["X", "Y", "Z"] and errors == [],
               f"run_pipeline should return (['X', 'Y', 'Z'] in any order, []); it returned {(results, errors)!r}.")

    race_check(body, runs=30, idea="sentinel")
