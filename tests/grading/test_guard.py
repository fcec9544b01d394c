"""The guard's pieces: the audit hook (in a fresh interpreter, since a hook cannot be removed), the
static screen and the leak filter."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from autograder.grading import guard_leaks, guard_screen

RUNNER = textwrap.dedent("""
    import json, sys
    from autograder.grading import guard
    folder, secret = sys.argv[1], sys.argv[2]
    drain = guard.install([folder], [secret])
    sys.path.append(folder)
    outcome = {}
    try:
        import student
        outcome = student.run()
    except BaseException as exc:
        outcome = {"import": f"{type(exc).__name__}: {exc}"}
    print(json.dumps({"outcome": outcome, "refused": [r.text() for r in drain()]}))
""")

HONEST = textwrap.dedent('''
    import collections, dataclasses, enum, logging, threading, traceback, typing, warnings
    from concurrent.futures import ThreadPoolExecutor

    def run():
        out = {}
        Point = collections.namedtuple("Point", "x y")
        out["namedtuple"] = Point(1, 2).y
        Color = enum.Enum("Color", "RED GREEN")
        out["enum"] = Color.GREEN.value
        T = typing.TypeVar("T")
        out["typing"] = T.__name__

        @dataclasses.dataclass
        class Box:
            size: int = 3
        out["dataclass"] = Box().size
        logging.getLogger(__name__).warning("a warning through logging")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            warnings.warn("careful")
        out["warnings"] = len(caught)
        try:
            raise ValueError("boom")
        except ValueError:
            out["format_exc"] = "ValueError: boom" in traceback.format_exc()
            out["stack"] = len(traceback.format_stack()) > 0
        lock = threading.Lock()
        total = [0]
        def work():
            with lock:
                total[0] += 1
        with ThreadPoolExecutor(4) as pool:
            for _ in range(8):
                pool.submit(work)
        out["threads"] = total[0]
        def own(a=1):
            return a
        own.__defaults__ = (5,)
        out["own_defaults"] = own()
        out["own_code"] = own.__code__.co_name
        exec("out['exec'] = 1", {"out": out})
        return out
''')

ATTACKS = {
    "gc": "import gc\ndef run():\n    return {'n': len(gc.get_objects())}\n",
    "getframe": "import sys\ndef run():\n    return {'f': str(sys._getframe(0).f_back)}\n",
    "inspect": "import inspect\ndef run():\n    return {'f': len(inspect.stack())}\n",
    "tb_frame": ("def run():\n    try:\n        raise ValueError\n    except ValueError as e:\n"
                 "        return {'f': str(e.__traceback__.tb_frame)}\n"),
    "gi_frame": "def g():\n    yield\ndef run():\n    x = g(); next(x)\n    return {'f': str(x.gi_frame)}\n",
    "walk_stack": "import traceback\ndef run():\n    return {'f': len(list(traceback.walk_stack(None)))}\n",
    "code": "import json\ndef run():\n    json.dumps.__code__ = run.__code__\n    return {}\n",
    "read_code": "import json\ndef run():\n    return {'c': json.dumps.__code__.co_name}\n",
    "settrace": "import sys\ndef run():\n    sys.settrace(None)\n    return {}\n",
    "threading_settrace": ("import threading\ndef run():\n    threading.settrace(lambda *a: None)\n"
                           "    t = threading.Thread(target=print); t.start(); t.join()\n    return {}\n"),
    "ctypes": "import ctypes\ndef run():\n    return {'s': ctypes.string_at(id(run), 8).hex()}\n",
    "secret": "def run(path=SECRET):\n    return {'s': open(path).read()}\n",
    "proc_mem": "import os\ndef run():\n    return {'s': open(f'/proc/{os.getpid()}/mem', 'rb') is not None}\n",
    "disguised_compile": ("import json\ndef run():\n    exec(compile('x = 1', json.__file__, 'exec'), {})\n"
                          "    return {}\n"),
    "code_new": "def run():\n    return {'c': str(run.__code__.replace(co_filename='/x.py'))}\n",
    "current_frames": "import sys\ndef run():\n    return {'n': len(sys._current_frames())}\n",
}
if sys.version_info >= (3, 12):  # the engine's backend there: switching its events off for one's own code
    ATTACKS["monitoring"] = ("import sys\ndef run():\n    for tool in range(6):\n"
                             "        sys.monitoring.set_local_events(tool, run.__code__, 0)\n    return {}\n")


def run_guarded(tmp_path: Path, source: str) -> dict:
    folder = tmp_path / "sub"
    folder.mkdir()
    secret = tmp_path / "hidden_tests.py"
    secret.write_text("def test_secret():\n    assert 'the answer is forty-two'\n", encoding="utf-8")
    (folder / "student.py").write_text(source.replace("SECRET", repr(str(secret))), encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", RUNNER, str(folder), str(secret)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_honest_code_using_the_standard_library_is_never_refused(tmp_path):
    result = run_guarded(tmp_path, HONEST)
    assert result["refused"] == [], result
    assert result["outcome"] == {
        "namedtuple": 2, "enum": 2, "typing": "T", "dataclass": 3, "warnings": 1, "format_exc": True, "stack": True,
        "threads": 8, "own_defaults": 5, "own_code": "own", "exec": 1,
    }


def test_every_reach_into_the_interpreter_is_refused_and_recorded(tmp_path):
    for name, source in ATTACKS.items():
        folder = tmp_path / name
        folder.mkdir()
        result = run_guarded(folder, source)
        assert result["refused"], (name, result)
        assert "student.py line" in result["refused"][0], (name, result)
        assert "refused" in result["outcome"].get("import", "") or result["outcome"] == {}, (name, result)
        assert "forty-two" not in json.dumps(result["outcome"]), name


def test_the_static_screen_names_file_line_and_construct():
    source = textwrap.dedent("""
        import gc
        import sys

        def sneak():
            frame = sys._getframe(1).f_back
            frame.f_trace = None
            sys.modules["faker"] = object()
            exec("x" + "=1")
            return gc.get_objects()
    """)
    found = {(f.line, f.what) for f in guard_screen.screen_source("counter.py", source)}
    whats = " | ".join(w for _, w in found)
    for expected in ("imports gc", "sys._getframe", "frame.f_back", "f_trace", "writes sys.modules",
                     "calls exec()", "gc.get_objects"):
        assert expected in whats, (expected, whats)
    assert (6, "uses frame.f_back") in found
    honest = "import threading\nlock = threading.Lock()\ndef f():\n    with lock:\n        return 1\n"
    assert guard_screen.screen_source("counter.py", honest) == []


def test_the_leak_filter_removes_hidden_lines_but_keeps_public_and_own_ones(tmp_path):
    hidden = tmp_path / "hidden_tests.py"
    hidden.write_text("def test_secret_behaviour(student):\n    expect(student.magic() == 42, 'no magic')\n"
                      "    counter.increment_by_a_lot()\n", encoding="utf-8")
    public = tmp_path / "README.md"
    public.write_text("counter.increment_by_a_lot()\n", encoding="utf-8")
    leaks = guard_leaks.LeakFilter.build([hidden], [public])
    text, removed = leaks.clean("Your code raised RuntimeError: def test_secret_behaviour(student):\n"
                                "    expect(student.magic() == 42, 'no magic')\nand then stopped")
    assert removed == 1 and "magic" not in text and "and then stopped" in text, text
    # the first line has a prefix: only whole lines (or a repr's pieces) count, as quoted here
    text, removed = leaks.clean("'def test_secret_behaviour(student):\\n    expect(student.magic() == 42, 'no magic')'")
    assert removed == 1 and "magic" not in text
    assert leaks.clean("counter.increment_by_a_lot()")[1] == 0  # public already
    mine = leaks.allowing(["def test_secret_behaviour(student):\n"])
    assert mine.clean("def test_secret_behaviour(student):")[1] == 0  # the student's own line


INTEGRITY = textwrap.dedent("""
    import functools, json, sys, threading, types
    from autograder.grading import child, guard, guard_hooks, model
    import autograder.race.runtime as runtime

    probe = types.ModuleType("autograder_probe")  # a module the snapshot covers (its name's prefix)
    def configure(*, strict=True):
        return strict
    def spare(a=1):
        return a
    probe.configure, probe.spare = configure, spare
    sys.modules["autograder_probe"] = probe

    folder = sys.argv[1]
    watch = guard_hooks.Watch(guard.install([folder], []), (folder,), frozenset())
    integrity = child.Integrity(None, watch.guard_functions())
    seen = {"clean": integrity.changes(watch.quietly, watch.rewrites)}

    def behind_a_thread(fn):
        # no student frame on this thread's stack: the audit hook lets the write through, and only
        # the integrity walk can tell
        t = threading.Thread(target=fn)
        t.start()
        t.join()

    behind_a_thread(functools.partial(setattr, runtime.Run.point, "__code__", (lambda self, *a: None).__code__))
    seen["code"] = integrity.changes(watch.quietly, watch.rewrites)
    behind_a_thread(functools.partial(delattr, spare, "__defaults__"))
    seen["defaults"] = integrity.changes(watch.quietly, watch.rewrites)
    configure.__kwdefaults__["strict"] = False  # in place: no audit event at all
    seen["kwdefaults"] = integrity.changes(watch.quietly, watch.rewrites)
    # a grader function rewritten between two walks is still named by the next one, and the one after
    seen["later"] = integrity.changes(watch.quietly, watch.rewrites)
    probe.configure = spare  # a plain attribute, and a property's getter put back in place by __init__
    model.TestResult.__dict__["passed"].__init__(lambda self: True)
    seen["attribute"] = integrity.changes(watch.quietly, watch.rewrites)
    print(json.dumps(seen))
""")


def test_the_integrity_walk_names_code_and_defaults_written_where_the_audit_hook_let_them_through(tmp_path):
    done = subprocess.run([sys.executable, "-c", INTEGRITY, str(tmp_path)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["clean"] == []
    assert "autograder.race.runtime.Run.point.__code__" in seen["code"], seen
    assert "autograder_probe.spare.__defaults__" in seen["defaults"], seen
    assert "autograder_probe.configure.__kwdefaults__" in seen["kwdefaults"], seen
    # the snapshot still differs from what runs: every later walk says so, not only the first
    assert "autograder.race.runtime.Run.point.__code__" in seen["later"], seen
    assert "autograder_probe.configure" in seen["attribute"], seen
    assert "autograder.grading.model.TestResult.passed.fget" in seen["attribute"], seen


def test_a_stand_in_module_is_named_after_looks_that_found_none(tmp_path, monkeypatch):
    # a stand-in that lands after looks that found none (a new module, or a module replaced under an
    # old name) is named, and keeps being named
    import types

    from autograder.grading import guard, guard_hooks

    folder = str(tmp_path)
    watch = guard_hooks.Watch(lambda: [], (folder,), frozenset({"counter"}), trusted=guard.trusted_prefixes(),
                              _prefixes=guard.root_prefixes([folder]))
    before = watch.shadowed()  # this test process has modules of its own outside the library (tests/)
    assert watch.shadowed() == before
    own = types.ModuleType("counter")
    own.__file__ = str(tmp_path / "counter.py")
    monkeypatch.setitem(sys.modules, "counter", own)
    assert watch.shadowed() == before, "the student's own module is not a stand-in"
    new = types.ModuleType("grader_helpers")
    new.__file__ = str(tmp_path / "grader_helpers.py")
    monkeypatch.setitem(sys.modules, "grader_helpers", new)
    assert ["grader_helpers" in text for text in watch.shadowed() if text not in before] == [True]
    monkeypatch.delitem(sys.modules, "grader_helpers")
    assert watch.shadowed() == before
    replaced = types.ModuleType("json")
    replaced.__file__ = str(tmp_path / "json.py")
    monkeypatch.setitem(sys.modules, "json", replaced)
    assert ["'json'" in text for text in watch.shadowed() if text not in before] == [True]
    assert ["'json'" in text for text in watch.shadowed() if text not in before] == [True], \
        "a later look keeps naming it"


def test_a_suite_line_that_only_sleeps_is_no_secret(tmp_path):
    # the race engine describes a thread waiting in a sleep as "time.sleep(10)": were the suite's own
    # `time.sleep(10)` a secret line, a test's trace would read as a leak and cost the student the test
    suite = tmp_path / "hidden_tests.py"
    suite.write_text("def test_x():\n    time.sleep(10)\n    expected = compute_the_hidden_answer(41)\n",
                     encoding="utf-8")
    leaks = guard_leaks.LeakFilter.build([suite])
    assert leaks.clean("time.sleep(10)") == ("time.sleep(10)", 0)
    cleaned, removed = leaks.clean("expected = compute_the_hidden_answer(41)")
    assert removed == 1 and cleaned == guard_leaks.REMOVED
