"""Shared test settings: every test gets a fresh working folder and no leftover engine state."""

import sys
import threading

import pytest


@pytest.fixture(autouse=True)
def _no_engine_leftovers():
    before = set(threading.enumerate())
    yield
    from autograder.race import primitives

    assert primitives.ENGINE is None, "an explore/replay call left its engine installed"
    assert sys.gettrace() is None or "coverage" in type(sys.gettrace()).__module__
    leftover = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    assert not leftover, f"threads left running: {leftover}"
