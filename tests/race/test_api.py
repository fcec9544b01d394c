"""The public API: arguments, outcome fields, pytest integration, imported locks, real blocking."""

import os
import select
import threading

import pytest

from autograder import race

from . import programs, student_like


def test_raise_if_failed_raises_an_assertion_error_with_the_report():
    outcome = race.explore(programs.racy_counter, seed=1, runs=100)
    with pytest.raises(AssertionError) as info:
        outcome.raise_if_failed()
    assert str(info.value) == outcome.report
    assert isinstance(info.value, race.RaceFailure)
    assert info.value.outcome is outcome


def test_a_passing_outcome_raises_nothing():
    outcome = race.explore(programs.correct_counter, seed=1, runs=20)
    outcome.raise_if_failed()
    assert outcome.ok and outcome.runs == 20 and outcome.kind == "passed"


def test_outcome_round_trips_through_a_dict():
    outcome = race.explore(programs.racy_stock, seed=1, runs=100)
    again = race.Outcome.from_dict(outcome.to_dict())
    assert again == outcome
    assert again.trace and again.trace[0].thread == "main"


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"runs": 0}, ValueError),
        ({"strategy": "dfs"}, ValueError),
        ({"max_steps": 0}, ValueError),
        ({"seed": -3}, ValueError),
        ({"time_budget": 0}, ValueError),
        ({"pct_depth": 0}, ValueError),
    ],
)
def test_bad_arguments_get_a_clear_error(kwargs, error):
    with pytest.raises(error):
        race.explore(programs.correct_counter, **kwargs)


def test_the_body_must_be_callable():
    with pytest.raises(TypeError, match="callable"):
        race.explore(42)


def test_explore_cannot_be_nested():
    inner_error = []

    def body():
        try:
            race.explore(programs.correct_counter, runs=1)
        except RuntimeError as exc:
            inner_error.append(str(exc))

    race.explore(body, seed=1, runs=1)
    assert inner_error and "already running" in inner_error[0]


def test_time_budget_stops_early_and_says_so():
    outcome = race.explore(programs.correct_pool, seed=1, runs=100_000, time_budget=0.2)
    assert outcome.ok
    assert outcome.runs < 100_000
    assert any("time budget" in note for note in outcome.notes)


def test_replay_hint_becomes_the_last_line():
    hint = "autograder check counter --seed {seed}"
    outcome = race.explore(programs.racy_counter, seed=1, runs=100, replay_hint=hint)
    assert outcome.report.splitlines()[-1] == f"autograder check counter --seed {outcome.seed}"


def test_locks_created_at_import_time_are_modelled():
    """A module-level lock, a class-attribute lock and `from threading import Lock` are all modelled."""
    outcome = race.explore(student_like.use_imported_locks, seed=1, runs=150)
    assert outcome.ok, outcome.report
    assert outcome.controlled
    racy = race.explore(student_like.racy_with_imported_lock, seed=1, runs=300)
    assert racy.kind == "assertion"
    assert racy.controlled


def test_blocking_the_engine_cannot_model_does_not_hang_the_run():
    def body():
        def stuck():
            select.select([], [], [], 0.5)  # a real wait in C

        t = threading.Thread(target=stuck)
        t.start()
        total = 0
        for i in range(10):
            total += i
        t.join()
        assert total == 45

    outcome = race.explore(body, seed=1, runs=2, stall_timeout=0.05)
    assert outcome.ok, outcome.report
    assert not outcome.controlled
    assert any("not fully controlled" in note for note in outcome.notes)


def test_scope_can_be_narrowed_to_files():
    # with the program file out of scope, there are no preemption points and the race is not seen
    outcome = race.explore(programs.racy_counter, seed=1, runs=50, scope=["/nonexistent"])
    assert outcome.ok
    assert race.explore(programs.racy_counter, seed=1, runs=50, scope=[programs.__file__]).kind == "assertion"


def test_equal_code_out_of_scope_does_not_hide_code_in_scope(tmp_path, monkeypatch):
    """Two files with the same function at the same line hold code objects that compare equal (a code
    object's equality ignores its file). The one out of scope running first must not take the
    in-scope one out of the interleaving with it."""
    source = (
        "class Box:\n"
        "    def __init__(self):\n"
        "        self.n = 0\n"
        "\n"
        "def bump(box, times):\n"
        "    for _ in range(times):\n"
        "        box.n += 1\n"
    )
    (tmp_path / "twin_in_scope.py").write_text(source)
    (tmp_path / "twin_out_of_scope.py").write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))
    import twin_in_scope
    import twin_out_of_scope

    assert twin_in_scope.bump.__code__ == twin_out_of_scope.bump.__code__  # the premise

    def body():
        twin_out_of_scope.bump(twin_out_of_scope.Box(), 1)  # seen first, and out of scope
        box = twin_in_scope.Box()
        threads = [threading.Thread(target=twin_in_scope.bump, args=(box, 2)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert box.n == 4, f"{box.n} increments of 4 survived"

    outcome = race.explore(body, seed=1, runs=200, scope=[str(tmp_path / "twin_in_scope.py"), __file__])
    assert outcome.kind == "assertion", outcome.report


def test_checkpoint_outside_a_run_does_nothing():
    race.checkpoint("nothing to do")
    assert not race.in_scenario()


def test_a_run_stuck_outside_the_engine_is_given_up_not_waited_for():
    """With nothing else to run, a thread stuck in a C call ends the run as a deadlock (a hang)."""

    def body():
        select.select([], [], [], 1.5)  # the only thread waits in C, longer than hang_timeout

    outcome = race.explore(body, seed=1, runs=1, stall_timeout=0.05, hang_timeout=0.3)
    assert outcome.kind == "deadlock" and not outcome.ok
    assert "cannot control" in outcome.message
    assert not outcome.controlled


def test_code_that_swallows_the_stop_signal_still_ends():
    """A thread that catches BaseException once is still unwound and reaped."""

    def body():
        def stubborn():
            for _ in range(3):
                try:
                    while True:
                        pass
                except BaseException:  # noqa: BLE001 - exactly what the test is about
                    continue

        threading.Thread(target=stubborn).start()

    outcome = race.explore(body, seed=1, runs=1, max_steps=3_000)
    assert outcome.kind == "busy-wait" and not outcome.ok


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded")
def test_a_fork_inside_a_scenario_thread_does_not_hang_the_child():
    import os

    def body():
        def worker():
            pid = os.fork()
            if pid == 0:
                lock = threading.Lock()  # the child runs uncontrolled: a real lock
                with lock:
                    pass
                os._exit(7)
            _, status = os.waitpid(pid, 0)
            assert os.WEXITSTATUS(status) == 7

        t = threading.Thread(target=worker)
        t.start()
        t.join()

    outcome = race.explore(body, seed=1, runs=3, stall_timeout=0.05)
    assert outcome.ok, outcome.report


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="needs CPU affinity and at least two CPUs")
def test_scenario_threads_are_pinned_to_the_cpu_the_caller_runs_on(monkeypatch):
    # side-by-side workers (the grader's --jobs) sit on different CPUs as the kernel placed them:
    # each must keep its scenario threads on its own, never two on one CPU by the parity of a pid
    from autograder.race import placement

    seen = {}

    def on(cpu):
        os.sched_setaffinity(0, {cpu})  # this helper thread only
        seen[cpu] = placement.current_cpu()

    cpus = sorted(os.sched_getaffinity(0))[:2]
    for cpu in cpus:
        helper = threading.Thread(target=on, args=(cpu,))
        helper.start()
        helper.join()
    assert seen == {cpu: cpu for cpu in cpus}
    for cpu in cpus:
        monkeypatch.setattr(placement, "current_cpu", lambda cpu=cpu: cpu)
        assert placement.scenario_cpus() == {cpu}
    monkeypatch.setenv("AUTOGRADER_RACE_PIN", "0")
    assert placement.scenario_cpus() is None


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="needs CPU affinity and at least two CPUs")
def test_a_run_puts_its_caller_and_threads_on_one_cpu_as_batch_threads_and_restores_the_caller():
    # every hand-off between two scenario threads (and the supervising caller) stays on one CPU, and
    # a woken thread does not preempt the one that woke it (SCHED_BATCH); the caller gets its own
    # affinity and policy back when the explore ends
    before_cpus, before_policy = os.sched_getaffinity(0), os.sched_getscheduler(0)
    seen = []

    def body():
        def look():
            seen.append((frozenset(os.sched_getaffinity(0)), os.sched_getscheduler(0)))

        look()
        t = threading.Thread(target=look)
        t.start()
        t.join()

    outcome = race.explore(body, seed=3, runs=4)
    assert outcome.ok, outcome.report
    assert len(seen) == 8
    assert all(len(cpus) == 1 for cpus, _ in seen), seen
    assert len({cpus for cpus, _ in seen}) == 1, "the threads of one explore ran on different CPUs"
    if hasattr(os, "SCHED_BATCH"):
        assert {policy for _, policy in seen} == {os.SCHED_BATCH}
    assert os.sched_getaffinity(0) == before_cpus
    assert os.sched_getscheduler(0) == before_policy


def test_what_the_grader_claims_as_the_students_is_interleaved_whatever_its_name(tmp_path):
    # a helper module of the student's named hidden_tests.py, and source the student ran through exec()
    # ("<string>", like the code dataclasses generate): both are the student's, and their races count.
    # (In a fresh interpreter: a claim lasts as long as the process.)
    import subprocess
    import sys
    import textwrap

    racy = textwrap.dedent("""
        import threading

        def count(n_threads=2, n=50):
            box = [0]

            def work():
                for _ in range(n):
                    box[0] += 1

            threads = [threading.Thread(target=work) for _ in range(n_threads)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            return box[0]
        """)
    (tmp_path / "hidden_tests.py").write_text(racy, encoding="utf-8")
    script = textwrap.dedent(f"""
        import sys, types
        sys.path.insert(0, {str(tmp_path)!r})
        from autograder import race
        from autograder.race import scope
        from autograder.race.scope import claim_student_code, default_predicate
        scope._TEMP_DIRS = ()  # as if tmp_path were not a temporary folder (its own rule is tested below)
        import hidden_tests
        before = default_predicate(hidden_tests.__file__)
        claim_student_code(roots=[{str(tmp_path)!r}])
        execd = types.ModuleType("execd")
        code = compile({racy!r}, "<string>", "exec")
        claim_student_code(code=code)  # what the guard does when student code runs exec(source)
        exec(code, vars(execd))
        for module in (hidden_tests, execd):
            outcome = race.explore(lambda: module.count() == 100 or 1 / 0, seed=1, runs=50)
            print(module.__name__, outcome.kind)
        print("before", before)
        """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["hidden_tests", "exception", "execd", "exception", "before", "False"], done.stdout


def test_the_scope_decisions_cannot_be_rewritten_through_the_module():
    # code under test can reach autograder.race.scope through sys.modules: its memos live in closures,
    # and the list of modules never interleaved is read through a read-only view bound at import
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent("""
        import collections, sys
        from autograder.race import scope
        memos = [name for name, value in vars(scope).items() if isinstance(value, dict) and value
                 and all(isinstance(v, bool) for v in value.values())]
        scope._EXCLUDED["collections"] = "rewritten"
        print(memos, scope.library_file(collections.__file__))
        """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[]", "True"], done.stdout


def test_code_in_a_temporary_folder_is_in_scope_whatever_its_path_says(tmp_path):
    from autograder.race.scope import default_predicate

    for name in ("site-packages/impl.py", "lib/python3.11/dist-packages/impl.py", "x/hidden_tests.py"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n", encoding="utf-8")
        assert default_predicate(str(path)), name
