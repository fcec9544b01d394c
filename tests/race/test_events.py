"""The run log is typed: small frozen records that the runtime writes and the report reads."""

import ast
import dataclasses
import os

import pytest

from autograder import race
from autograder.race import events
from autograder.race.explorer import Engine
from autograder.race.scope import make_scope

from . import programs


def _recorded_log(body, seed):
    engine = Engine(make_scope(None), stall_timeout=0.1, hang_timeout=10.0)
    with engine.installed():
        res = engine.run_once(body, seed, 50_000, record=True)
    return res.log


def test_a_recorded_run_is_a_list_of_typed_events():
    found = race.explore(programs.racy_condition, seed=3, runs=300, shrink=False)
    log = _recorded_log(programs.racy_condition, found.seed)
    kinds = {type(entry) for entry in log}
    assert kinds <= {events.Step, events.Switch, events.Spawn, events.Block, events.Wake, events.Finish,
                     events.Note, events.Annotation}
    assert {events.Step, events.Switch, events.Spawn, events.Finish} <= kinds
    step = next(entry for entry in log if type(entry) is events.Step)
    assert step.code.co_filename == programs.__file__ and step.offset >= 0
    with pytest.raises(AttributeError):
        step.offset = 0  # frozen


def test_failure_is_a_dataclass_record():
    assert dataclasses.is_dataclass(events.Failure)
    failure = events.Failure("deadlock", "deadlock: ...")
    assert failure.where == [] and failure.threads == []


def test_the_report_does_not_import_the_runtime_at_run_time():
    path = os.path.join(os.path.dirname(events.__file__), "report.py")
    tree = ast.parse(open(path).read())
    for node in tree.body:  # module-level statements only: TYPE_CHECKING blocks are ifs
        if isinstance(node, ast.ImportFrom):
            assert node.module != "runtime", "report.py imports the runtime"
