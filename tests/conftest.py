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


@pytest.fixture(scope="session")
def once_per_session(tmp_path_factory: pytest.TempPathFactory, worker_id: str):
    """``once(name, make)``: run ``make(folder)`` once in the whole test session, however many xdist
    workers ask, and give every caller what it returned (JSON-able). A class graded for a module's
    tests is graded by the first worker that needs it; the others wait for it and read it."""
    import fcntl
    import json
    import shutil

    base = tmp_path_factory.getbasetemp()
    root = (base.parent if worker_id != "master" else base) / "once-per-session"
    root.mkdir(exist_ok=True)

    def once(name: str, make):
        with open(root / f"{name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            done = root / f"{name}.json"
            if not done.exists():
                folder = root / name
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir()
                done.write_text(json.dumps(make(folder)))  # only once make() returned
            return json.loads(done.read_text())

    return once
