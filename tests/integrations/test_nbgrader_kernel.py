"""Checks inside a real ipykernel: the engine reaches code defined in cells, hangs cost one check,
leaked threads are told apart from the kernel's own, and failures show no grader frames."""

from __future__ import annotations

import json

import pytest

from autograder.exercises import EXERCISES

from .nbhelpers import Kernel, jupyter_env

COUNTER = EXERCISES["counter"]
SOLUTION = COUNTER.solution.read_text() if COUNTER.solution else ""
CHECK = "from autograder.integrations.nbgrader import check\n"

# increment reads `value`, which takes the same plain Lock again: a deadlock in every thread
DEADLOCKING = SOLUTION.replace(
    "            self._value += amount\n        ### END SOLUTION\n\n    def decrement",
    "            self._value = self.value + amount\n        ### END SOLUTION\n\n    def decrement",
)
# increment waits an hour in C (select), where no engine can step in: only the time limit ends it
HANGING = SOLUTION.replace(
    "            self._value += amount\n        ### END SOLUTION\n\n    def decrement",
    "            self._value += amount\n            __import__('select').select([], [], [], 3600)\n"
    "        ### END SOLUTION\n\n    def decrement",
)
RACY = SOLUTION.replace("with self._lock:", "if True:")
# a module that starts a thread of its own when it is loaded (outside any check's engine) and never joins it
LEAKY = SOLUTION + (
    "\n\nthreading.Thread(target=__import__('select').select, args=([], [], [], 1.5), name='leaky-helper').start()\n"
)


@pytest.fixture
def kernel(tmp_path):
    env = jupyter_env(tmp_path / "jupyter", AUTOGRADER_SEED="11")
    with Kernel(env, tmp_path) as k:
        yield k


def test_the_variants_differ_from_the_solution():
    assert SOLUTION and len({SOLUTION, DEADLOCKING, HANGING, RACY, LEAKY}) == 5


def test_a_hang_costs_one_check_and_the_kernel_goes_on(kernel):
    assert kernel.run(HANGING).status == "ok"
    # a wait in C that the engine cannot model: the time limit ends it
    hung = kernel.run(CHECK + 'check("counter", "test_arithmetic_with_one_thread", timeout=2)')
    assert hung.status == "error" and hung.errors[0]["ename"] == "CheckFailed"
    assert "did not finish within 2 seconds" in hung.stdout
    assert hung.seconds < 15
    assert kernel.run(DEADLOCKING).status == "ok"
    # inside the engine: the deadlock is found and described, with no waiting at all
    found = kernel.run(CHECK + 'check("counter", "test_no_increment_is_lost")')
    assert found.status == "error" and "Your threads deadlocked" in found.stdout
    assert "while holding Lock created at counter.py" in found.stdout
    # the kernel is whole: the engine uninstalled itself, and the next checks run normally
    state = kernel.run(
        "import sys, threading\nfrom autograder.race import primitives\n"
        "print(primitives.ENGINE is None, sys.gettrace() is None, threading.Lock is threading._allocate_lock)"
    )
    assert state.stdout.split() == ["True", "True", "True"]
    assert kernel.run(SOLUTION).status == "ok"
    passed = kernel.run(CHECK + 'check("counter", "test_arithmetic_with_one_thread")')
    assert passed.status == "ok" and passed.stdout.startswith("Passed: Counting up and down")


def test_an_answer_cell_whose_top_level_hangs_costs_one_time_limit(kernel):
    # the cell runs fine in the notebook (__name__ is "__main__") but hangs when run as the module
    hanging = SOLUTION + "\nif __name__ != '__main__':\n    while True:\n        pass\n"
    assert kernel.run(hanging).status == "ok"
    # the limit must outlast the check's own start on a busy machine, so that the hang is the top level's
    first = kernel.run(CHECK + 'check("counter", "test_value_is_read_only", timeout=15)')
    assert first.status == "error" and "did not finish within 15 seconds" in first.stdout
    assert "top level of the answer cell runs again before every check" in first.stdout
    # the next check is told at once that the answer cannot be loaded, instead of waiting out its limit
    second = kernel.run(CHECK + 'check("counter", "test_count_concurrently_edges", timeout=15)')
    assert second.status == "error" and "did not finish, so no check could use it" in second.stdout
    assert "did not finish within" not in second.stdout
    assert kernel.run(SOLUTION).status == "ok"  # fixed: the checks use the new code
    assert kernel.run(CHECK + 'check("counter", "test_value_is_read_only")').status == "ok"


def test_code_defined_in_cells_is_interleaved_by_the_engine(kernel):
    # the student's own experiment in a cell: the engine preempts code whose file is a cell
    cell = kernel.run(
        "import threading\nfrom autograder import race\n"
        "class Tally:\n    def __init__(self):\n        self.n = 0\n    def add(self):\n        self.n += 1\n"
        "def body():\n    t = Tally()\n"
        "    threads = [threading.Thread(target=lambda: [t.add() for _ in range(30)]) for _ in range(2)]\n"
        "    [x.start() for x in threads]; [x.join() for x in threads]\n"
        "    assert t.n == 60, f'{60 - t.n} lost'\n"
        "outcome = race.explore(body, seed=3, runs=50)\n"
        "print(outcome.kind, Tally.add.__code__.co_filename)"
    )
    kind, filename = cell.stdout.split()
    assert kind == "assertion", cell.stdout
    assert "ipykernel" in filename  # the cell's own file name, which the engine counts as the student's
    # and a check shows the interleaving of the notebook's code, named after the exercise's file
    assert kernel.run(RACY).status == "ok"
    failed = kernel.run(CHECK + 'check("counter", "test_no_increment_is_lost")')
    assert failed.status == "error"
    assert "increments were lost" in failed.stdout and "How it happened:" in failed.stdout
    assert "counter.py:" in failed.stdout and "is preempted;" in failed.stdout
    assert 'To see it again: check("counter", "test_no_increment_is_lost", seed=11)' in failed.stdout
    # the error shown under the explanation is one line: no frames of the grader, no source
    assert failed.errors[0]["evalue"].startswith("Increments from three threads at once are never lost")
    assert "kernel.py" not in failed.traceback and "hidden_tests" not in failed.traceback
    assert failed.stderr == ""


def test_leaked_threads_are_measured_against_what_the_kernel_already_runs(kernel):
    threads = kernel.run("import threading\nprint(json_dumps([t.name for t in threading.enumerate()]))"
                         .replace("json_dumps", "__import__('json').dumps"))
    assert len(json.loads(threads.stdout)) > 1  # ipykernel runs threads of its own
    assert kernel.run(SOLUTION).status == "ok"
    joined = kernel.run(CHECK + 'check("counter", "test_count_concurrently_joins_its_threads")')
    assert joined.status == "ok" and "still running" not in joined.stdout
    assert kernel.run(LEAKY).status == "ok"
    leaked = kernel.run(CHECK + 'check("counter", "test_value_is_read_only")')
    assert leaked.status == "ok"  # the check itself passes; the leftover thread is pointed out
    assert "were still running after this check: leaky-helper" in leaked.stdout


def test_a_notebook_that_defines_nothing_is_told_so(kernel):
    missing = kernel.run(CHECK + 'check("counter", "test_value_is_read_only")')
    assert missing.status == "error"
    assert "This notebook does not define Counter, count_concurrently" in missing.stdout
    broken = kernel.run("class Counter(:\n    pass")
    assert broken.status == "error"
    still = kernel.run(CHECK + 'check("counter", "test_count_concurrently_edges")')
    assert "does not define" in still.stdout
