"""How a check turns a notebook's namespace into the student's module (no kernel needed).

IPython compiles each cell under a file name of its own and keeps the cell's source in linecache;
these tests make "cells" the same way.
"""

from __future__ import annotations

import linecache
import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor

import pytest

from autograder.integrations.nbgrader.kernel import check, gather_code
from autograder.testing import Mistake


def run_cells(*sources: str, tmp_path) -> dict:
    """Run ``sources`` as notebook cells in one namespace, IPython-style."""
    namespace: dict = {"__name__": "__main__", "In": [""]}
    for source in sources:
        filename = str(tmp_path / f"ipykernel_test/{abs(hash(source))}.py")
        linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
        exec(compile(source, filename, "exec"), namespace)  # noqa: S102 - the test's own cells
        namespace["In"].append(source)
    return namespace


def test_each_load_runs_the_defining_cells_afresh(tmp_path):
    namespace = run_cells(
        "import threading\n",  # an import in a cell of its own
        "calls = []\n\ndef record(x):\n    calls.append(x)\n    return len(calls)\n",
        "answer = 42  # a scratch cell that defines nothing the exercise asks for\n",
        tmp_path=tmp_path,
    )
    namespace["record"]("from the notebook's own run")
    code = gather_code(["record", "Missing"], "tally.py", namespace, tmp_path)
    assert code.defined == ["record"]
    assert code.source.startswith("calls = []") and "answer = 42" not in code.source
    assert (tmp_path / "tally.py").read_text() == code.source
    first, second = code.load("tally"), code.load("tally")
    assert first is not second and first.record(1) == 1 and second.record(2) == 1  # fresh state each time
    assert first.threading is namespace["threading"]  # names from other cells are there
    assert first.record.__code__.co_filename == str(tmp_path / "tally.py")
    assert sys.modules["tally"] is second


def test_the_cells_compile_as_an_import_would(tmp_path):
    # the grader's own modules use `from __future__ import annotations`; the student's code must not
    # inherit it (it changes the bytecode the engine steps through, and what annotations are)
    namespace = run_cells("def f(x: int) -> None:\n    pass\n", tmp_path=tmp_path)
    module = gather_code(["f"], "annotated.py", namespace, tmp_path).load("annotated")
    assert module.f.__annotations__ == {"x": int, "return": None}


def test_the_cells_run_in_the_order_they_last_ran(tmp_path):
    namespace = run_cells(
        "class Base:\n    def hello(self):\n        return 'base'\n",
        "class Child(Base):\n    def hello(self):\n        return 'child of ' + super().hello()\n",
        tmp_path=tmp_path,
    )
    code = gather_code(["Child", "Base"], "family.py", namespace, tmp_path)  # asked for in the other order
    assert code.load("family").Child().hello() == "child of base"


def test_errors_in_the_cells_become_plain_words(tmp_path):
    namespace = run_cells("def f():\n    return 1\n", tmp_path=tmp_path)
    code = gather_code(["f"], "broken.py", namespace, tmp_path)
    code.source += "raise ValueError('top-level trouble')\n"
    with pytest.raises(Mistake, match="failed with ValueError: top-level trouble"):
        code.load("broken")
    nothing = gather_code(["f"], "empty.py", {"In": []}, tmp_path)
    with pytest.raises(Mistake, match="does not define f"):
        nothing.load("empty")


def _square_all(module_name: str, method: str) -> list[int]:
    module = sys.modules[module_name]
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context(method)) as pool:
        return list(pool.map(module.square, range(5)))


@pytest.mark.parametrize("method", sorted(set(multiprocessing.get_all_start_methods()) & {"fork", "spawn"}))
def test_worker_processes_can_run_functions_defined_in_cells(tmp_path, method):
    # under fork the worker inherits the module; under spawn it imports the written-out cells by name
    namespace = run_cells("def square(x):\n    return x * x\n", tmp_path=tmp_path)
    name = f"squares_{method}"
    gather_code(["square"], f"{name}.py", namespace, tmp_path).load(name)
    assert _square_all(name, method) == [0, 1, 4, 9, 16]


def test_check_runs_outside_ipython_too(tmp_path, capsys):
    from autograder.exercises import EXERCISES

    namespace = run_cells(EXERCISES["counter"].solution.read_text(), tmp_path=tmp_path)
    check("counter", "test_value_is_read_only", namespace=namespace, seed=5)
    assert capsys.readouterr().out.strip() == "Passed: `value` can be read but not assigned."
    namespace = run_cells(EXERCISES["counter"].starter.read_text(), tmp_path=tmp_path)
    with pytest.raises(Exception, match="Increments from three threads") as info:
        check("counter", "test_no_increment_is_lost", namespace=namespace, seed=5)
    assert type(info.value).__name__ == "CheckFailed"
    out = capsys.readouterr().out
    assert "This part is not written yet: your code raised NotImplementedError" in out
    with pytest.raises(ValueError, match="unknown exercise"):
        check("no_such_exercise", "test_x", namespace=namespace)
