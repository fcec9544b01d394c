"""The sandbox's isolation: who student code runs as, what it sees, how many processes it gets.

As root (this project's CI, Gradescope) each child must become a fresh unprivileged user in a
private view with its own pids cgroup; the tests that need root say so and are skipped without
it. Without root, the fallbacks are checked by running the real command line as an unprivileged
user (made possible, here, by the same isolation code).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from autograder import resources
from autograder.grading import isolation, sandbox

from .conftest import FAST_LIMITS, HOSTILE, full_marks, read_csv, run_cli, solution_text, write_submission

ROOT = hasattr(os, "getuid") and os.getuid() == 0
needs_root = pytest.mark.skipif(not ROOT, reason="the sandbox changes user and uses namespaces and cgroups as root")
ONE_TEST = ["--test", "test_starts_at_zero_and_counts"]
SOLUTIONS = resources.solutions_dir()  # an instructor's checkout has them; the student bundle does not
# a fork bomb must meet the process limit before this time limit, even on a loaded machine
BOMB_LIMIT = f"{60 * float(os.environ.get('AG_TIME_SCALE', '1')):g}"


def reported(text: str, label: str) -> dict:
    """The JSON a hostile file put into its import error after ``label``."""
    start = text.index(label + " ") + len(label) + 1
    value, _ = json.JSONDecoder().raw_decode(text[start:])
    return value


def inspect_file(secret: Path) -> str:
    text = (HOSTILE / "inspect_sandbox.py").read_text(encoding="utf-8").replace('"SECRET"', repr(str(secret)))
    return text.replace('"SOLUTIONS"', repr(str(SOLUTIONS or "/nonexistent")))


def make_secret(folder: Path) -> Path:
    secret = folder / "secret.txt"
    secret.write_text("the answers\n", encoding="utf-8")
    return secret


def pids_groups_of(pid: int) -> list[str]:
    found = isolation.find_pids_parent()
    if found is None:
        return []
    return [name for name in os.listdir(found[1]) if name.startswith(isolation.group_prefix(pid))]


# ---------------------------------------------------------------------------------- as root


def expected_warning(iso: sandbox.Isolation) -> str:
    """What stderr holds when this machine's sandbox is what it is: nothing, or one line naming each gap."""
    return f"autograder: warning: weaker sandbox: {'; '.join(iso.problems)}\n" if iso.problems else ""


@needs_root
def test_as_root_a_child_is_a_fresh_user_in_a_private_view_with_a_process_limit(tmp_path):
    iso = sandbox.isolation()
    if not iso.drop:
        pytest.skip(f"this machine cannot run the child as an unprivileged user: {iso.problems}")
    work = tmp_path / "student"
    work.mkdir()
    secret = make_secret(tmp_path)
    (work / "counter.py").write_text(inspect_file(secret), encoding="utf-8")
    done = run_cli("check", "counter", *ONE_TEST, cwd=work)
    # no warning where the kernel offers everything; else exactly one line naming what is missing
    assert done.returncode == 1 and done.stderr == expected_warning(iso), done.stdout + done.stderr
    facts = reported(done.stdout, "SANDBOX")
    assert facts["uid"] not in (0, os.getuid()) and facts["euid"] == facts["uid"] == facts["gid"]
    assert facts["groups"] == []
    assert facts["interpreter"] is True and facts["stdlib"] == "ok"  # it can run this Python
    assert facts["secret"] in ("PermissionError", "FileNotFoundError")  # the grader's user can read it
    assert facts["signal_parent"] == "PermissionError"
    assert facts["threads"] < sandbox.DEFAULT_LIMITS.processes  # a pids cgroup or RLIMIT_NPROC counted them
    if iso.namespaces:
        assert facts["interfaces"] == ["lo"]
        if SOLUTIONS is not None:
            assert os.listdir(SOLUTIONS) and facts["solutions"] in ([], "FileNotFoundError")  # hidden


@needs_root
def test_as_root_without_a_user_change_the_pids_cgroup_still_bounds_processes(tmp_path):
    if sandbox.isolation().cgroup is None:
        pytest.skip(f"no pids cgroup here: {sandbox.isolation().problems}")
    env = {"AUTOGRADER_NO_SETUID": "1"}
    work = tmp_path / "student"
    work.mkdir()
    (work / "counter.py").write_text(inspect_file(make_secret(tmp_path)), encoding="utf-8")
    done = run_cli("check", "counter", *ONE_TEST, cwd=work, env=env)
    facts = reported(done.stdout, "SANDBOX")
    assert facts["uid"] == 0  # the fallback really ran student code as root...
    assert facts["threads"] < sandbox.DEFAULT_LIMITS.processes  # ...and its cgroup still counted
    warnings = done.stderr.strip().splitlines()
    assert len(warnings) == 1 and "AUTOGRADER_NO_SETUID is set" in warnings[0], done.stderr

    # a fork bomb fails to fork (not only times out), and nothing of it is left behind
    (work / "counter.py").write_text((HOSTILE / "fork_bomb.py").read_text(encoding="utf-8"), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "autograder.cli", "check", "counter", "--time-limit", BOMB_LIMIT],
                            cwd=work, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, stdin=subprocess.DEVNULL)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 1, out + err
    assert out.count("Importing counter.py failed with BlockingIOError") == 3, out
    assert "[ran out of time]" not in out
    assert pids_groups_of(proc.pid) == []  # every group emptied (removal needs that) and removed


FORKS_THAT_EAT = """
import json
import os

sizes = []
for _ in range(3):
    pid = os.fork()
    if pid == 0:
        try:
            block = bytearray(900 * 1024 * 1024)
            block[::4096] = b"x" * len(range(0, len(block), 4096))  # every page really used
        finally:
            os._exit(0)
    sizes.append(pid)
statuses = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in sizes]
raise RuntimeError("FORKS " + json.dumps(statuses))
"""


@needs_root
def test_the_processes_a_child_forks_share_its_memory_budget(tmp_path):
    # each fork may use the whole address-space limit (RLIMIT_AS counts one process); three that each
    # fill 900 MB would hold 2.7 GB. With a memory cgroup the child and its forks share the child's
    # 2 GiB, so the kernel kills at least one of them.
    iso = sandbox.isolation()
    if iso.memory is None:
        pytest.skip(f"no memory cgroup here: {iso.problems}")
    work = tmp_path / "student"
    work.mkdir()
    (work / "counter.py").write_text(FORKS_THAT_EAT, encoding="utf-8")
    done = run_cli("check", "counter", *ONE_TEST, cwd=work)
    statuses = reported(done.stdout, "FORKS")
    assert len(statuses) == 3 and -signal.SIGKILL in statuses, statuses


FILLS_ITS_FOLDER = """
import json, os, shutil
written, error = 0, ""
block = b"x" * (8 * 1024 * 1024)
try:
    while written < 2048:  # MiB: more than the folder may hold
        with open(f"fill-{written}.bin", "wb") as handle:
            handle.write(block)
        written += 8
except OSError as exc:
    error = type(exc).__name__ + ": " + exc.strerror
usage = shutil.disk_usage(".")
raise RuntimeError("FILL " + json.dumps({"written": written, "error": error, "total": usage.total}))
"""


@needs_root
def test_a_submission_can_fill_only_its_own_working_folder(tmp_path):
    # the working folder (HOME, TMPDIR) is a memory file system of its own: writing into it until it is
    # full stops at its size, never on the disk that the other children and OUT share
    iso = sandbox.isolation()
    if not iso.namespaces:
        pytest.skip(f"no private view here: {iso.problems}")
    work = tmp_path / "student"
    work.mkdir()
    (work / "counter.py").write_text(FILLS_ITS_FOLDER, encoding="utf-8")
    done = run_cli("check", "counter", *ONE_TEST, cwd=work)
    filled = reported(done.stdout, "FILL")
    assert filled["error"].startswith("OSError") and "space" in filled["error"], filled
    # the folder's file system is the child's own, of at most 1 GiB (the grader's disk is not that small
    # on any machine that runs these tests, and would not be full after 1 GiB)
    assert filled["written"] < 1024 and filled["total"] <= 1024 * 1024 * 1024, filled


LEAVES_SHARED_MEMORY = """
import json, subprocess, sys
MAKE = (
    "import ctypes, ctypes.util\\n"
    "libc = ctypes.CDLL(ctypes.util.find_library('c'), use_errno=True)\\n"
    "print(libc.shmget(KEY, ctypes.c_size_t(4096), 0o1666))\\n"  # IPC_CREAT | 0666: anyone may attach
)
made = subprocess.run([sys.executable, "-I", "-c", MAKE], capture_output=True, text=True, timeout=60).stdout
raise RuntimeError("SHM " + json.dumps({"id": int(made.strip() or -1)}))
"""


def shared_memory_keys() -> set[int]:
    with open("/proc/sysvipc/shm", encoding="utf-8") as handle:
        return {int(line.split()[0]) for line in list(handle)[1:] if line.split()}


@needs_root
def test_what_a_submission_leaves_in_system_v_shared_memory_ends_with_its_child(tmp_path):
    # a subprocess has no audit hook: it may make a System V segment that anyone can read. In an IPC
    # namespace of the child's own, the segment is gone with the child; another student never sees it
    iso = sandbox.isolation()
    if not iso.namespaces or not os.path.exists("/proc/sysvipc/shm"):
        pytest.skip(f"no private view or no System V IPC here: {iso.problems}")
    key = 0x5EC70000 + os.getpid() % 0xFFFF
    assert key not in shared_memory_keys()
    work = tmp_path / "student"
    work.mkdir()
    (work / "counter.py").write_text(LEAVES_SHARED_MEMORY.replace("KEY", str(key)), encoding="utf-8")
    done = run_cli("check", "counter", *ONE_TEST, cwd=work)
    made = reported(done.stdout, "SHM")
    if made["id"] < 0:
        pytest.skip("the child could not make a shared memory segment here")
    assert key not in shared_memory_keys()


@needs_root
def test_a_submission_cannot_change_scores_through_out_the_gradebook_or_the_grader(tmp_path, catalogs):
    if not sandbox.privileges_dropped():
        pytest.skip(f"this machine cannot run student code as an unprivileged user, so it could write OUT: "
                    f"{sandbox.isolation().problems}")
    subs, out = tmp_path / "subs", tmp_path / "out"
    others = full_marks(catalogs, skip="counter")
    write_submission(subs / "right", full_marks(catalogs))
    attacker = subs / "attacker" / "counter.py"
    text = (HOSTILE / "tamper.py").read_text(encoding="utf-8").replace("OUT_DIR", str(out))
    write_submission(subs / "attacker", {**others, "counter.py": text.replace("STUDENT", "attacker")})

    def grade() -> subprocess.CompletedProcess:
        # a session of its own: were the attack to work, it would hit this grader and not the test runner
        return subprocess.run([sys.executable, "-m", "autograder.cli", "grade", str(subs), "--out", str(out),
                               "--jobs", "1", "--seed", "2", "--quiet", *FAST_LIMITS], capture_output=True, text=True,
                              timeout=600, start_new_session=True, stdin=subprocess.DEVNULL)

    def scores() -> dict[str, list[str]]:
        return {row[0]: row[1:] for row in read_csv(out / "grades.csv")[1:]}

    def book() -> dict[str, float]:
        with sqlite3.connect(str(out / "gradebook.sqlite")) as db:
            rows = db.execute("SELECT student, points, result FROM submissions").fetchall()
        assert all(json.loads(result)["student"] == student for student, _, result in rows)
        return {student: points for student, points, _ in rows}

    first = grade()
    assert first.returncode == 0, first.stderr
    expected = scores()
    total = float(expected["right"][-2])
    assert float(expected["attacker"][-2]) == total - catalogs["counter"].max_points
    assert book() == {"right": total, "attacker": total - catalogs["counter"].max_points}

    # graded again because its file changed: now the gradebook holds every row while its code runs
    attacker.write_text(attacker.read_text(encoding="utf-8") + "\n# again\n", encoding="utf-8")
    second = grade()
    assert second.returncode == 0, second.stderr
    assert "1 graded now, 1 unchanged" in second.stdout
    feedback = json.loads((out / "attacker" / "results.json").read_text(encoding="utf-8"))
    attempts = reported(next(t["output"] for t in feedback["tests"] if t["name"].startswith("counter: ")),
                        "ATTEMPTS")
    assert {"0:grades.csv", "0:gradebook", "1:gradebook", "kill grader", "kill grader group"} <= set(attempts)
    assert all(outcome != "ok" for outcome in attempts.values()), attempts
    assert scores() == expected and not (out / "pwned.txt").exists()

    # a resume trusts the gradebook: it must still hold what the grader wrote
    third = grade()
    assert third.returncode == 0 and "0 graded now, 2 unchanged" in third.stdout, third.stdout + third.stderr
    assert scores() == expected
    assert book() == {"right": total, "attacker": total - catalogs["counter"].max_points}


@needs_root
def test_a_group_left_by_a_grader_that_died_is_emptied_and_removed_by_the_next_one():
    found = isolation.find_pids_parent()
    if found is None:
        pytest.skip("no pids cgroup here")
    version, parent = found
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(gone.stdout)  # a grader that was SIGKILLed: its pid no longer runs
    stale = isolation.PidsCgroup(os.path.join(parent, f"{isolation.group_prefix(dead_pid)}0123456789ab"), version)
    os.mkdir(stale.path)
    orphan = subprocess.Popen(["sleep", "600"])
    try:
        stale.add(orphan.pid)  # what a student's process left behind
        assert stale.pids() == [orphan.pid]
        assert isolation.reap_stale(parent, version) >= 1
        assert orphan.wait(timeout=30) == -9
        assert not os.path.exists(stale.path)
    finally:
        orphan.kill()
        stale.remove(wait=0)


VIEW_SCRIPT = textwrap.dedent("""
    import json, os, socket, sys
    from autograder.grading import isolation

    base, uid = sys.argv[1], int(sys.argv[2])
    isolation.PRIVATE_DIRS = ()  # keep the temporary folder where it is, to see the grafts themselves
    os.chdir(base + "/scratch")
    isolation.isolate(uid, uid, reach=[base + "/lib/via-link", base + "/lib/single.py"],
                      writable=[base + "/scratch"], protect=[base + "/lib/real/out", base + "/lib"])
    os.setgroups([]); os.setgid(uid); os.setuid(uid)

    def attempt(action):
        try:
            value = action()
        except Exception as exc:
            return type(exc).__name__
        return "ok" if value is None else value

    def write(path):
        with open(path, "w") as handle:
            handle.write("x")

    print(json.dumps({
        "uid": os.getuid(),
        "module": attempt(lambda: open(base + "/lib/via-link/mod.py").read()),
        "single": attempt(lambda: open(base + "/lib/single.py").read()),
        "stdlib": attempt(lambda: __import__("fractions") and None),
        "secret": attempt(lambda: open(base + "/secret.txt").read()),
        "scratch": attempt(lambda: write("mine.txt")),  # still in the folder it was in, now in the new view
        "out": attempt(lambda: os.listdir(base + "/lib/real/out")),
        "write out": attempt(lambda: write(base + "/lib/real/out/pwned.txt")),
        "write lib": attempt(lambda: write(base + "/lib/real/pwned.txt")),
        "interfaces": sorted(name for _, name in socket.if_nameindex()),
    }))
""")


@needs_root
def test_the_rebuilt_view_grafts_what_is_needed_and_hides_or_freezes_the_rest(tmp_path):
    if not sandbox.isolation().namespaces:
        pytest.skip(f"no private namespaces here: {sandbox.isolation().problems}")
    base = tmp_path / "view"
    real = base / "lib" / "real"
    (real / "out").mkdir(parents=True)
    (real / "mod.py").write_text("VALUE = 1\n", encoding="utf-8")
    (real / "out" / "grades.csv").write_text("student,total\n", encoding="utf-8")
    (base / "lib" / "single.py").write_text("ONE = 1\n", encoding="utf-8")
    (base / "lib" / "via-link").symlink_to("real")
    make_secret(base)
    os.chmod(real, 0o777)  # anyone may write here: only the read-only bind stops the sandbox user
    os.chmod(real / "out", 0o777)
    uid = 200_000 + os.getpid() % 100_000
    (base / "scratch").mkdir()
    os.chown(base / "scratch", uid, uid)
    done = subprocess.run([sys.executable, "-c", VIEW_SCRIPT, str(base), str(uid)], capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    facts = json.loads(done.stdout)
    assert facts["uid"] == uid
    assert facts["module"] == "VALUE = 1\n" and facts["single"] == "ONE = 1\n" and facts["stdlib"] == "ok"
    assert facts["scratch"] == "ok" and (base / "scratch" / "mine.txt").is_file()
    assert facts["secret"] in ("FileNotFoundError", "PermissionError")
    assert facts["out"] == []  # hidden under an empty tmpfs
    assert facts["write out"] == "OSError" and facts["write lib"] == "OSError"  # read-only file systems
    assert facts["interfaces"] == ["lo"]
    assert (real / "out" / "grades.csv").is_file() and not (real / "pwned.txt").exists()


@needs_root
def test_fallbacks_are_named_in_one_warning_line_and_grading_still_works(tmp_path):
    (tmp_path / "counter.py").write_text(solution_text("counter"), encoding="utf-8")
    for variable, words in [("AUTOGRADER_NO_CGROUP", "AUTOGRADER_NO_CGROUP is set"),
                            ("AUTOGRADER_NO_NAMESPACES", "AUTOGRADER_NO_NAMESPACES is set")]:
        done = run_cli("check", "counter", *ONE_TEST, cwd=tmp_path, env={variable: "1"})
        assert done.returncode == 0, done.stdout + done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("autograder: warning: weaker sandbox: "), done.stderr
        assert words in lines[0]


# ------------------------------------------------------------------------------ without root

LAUNCH = textwrap.dedent("""
    import os, sys
    from autograder.grading import isolation

    uid, work = int(sys.argv[1]), sys.argv[2]
    isolation.isolate(uid, uid, reach=[], writable=[work], protect=[])
    os.chdir(work)
    os.setgroups([]); os.setgid(uid); os.setuid(uid)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOGRADER_")}
    env["HOME"] = work
    os.execve(sys.executable, [sys.executable, "-m", "autograder.cli", *sys.argv[3:]], env)
""")


@needs_root
def test_without_root_check_and_grade_run_as_the_user_with_rlimits_and_grade_warns(tmp_path, catalogs):
    """The real command line run by an unprivileged user (this machine's Python is under a folder
    only root can enter, so the launcher makes it reachable with the sandbox's own isolation)."""
    if not sandbox.isolation().namespaces:
        pytest.skip(f"cannot start an unprivileged grader here: {sandbox.isolation().problems}")
    uid = 300_000 + os.getpid() % 100_000
    work = tmp_path / "user"
    write_submission(work / "subs" / "ada", full_marks(catalogs))
    (work / "counter.py").write_text(solution_text("counter"), encoding="utf-8")
    (work / "bomb.py").write_text((HOSTILE / "fork_bomb.py").read_text(encoding="utf-8"), encoding="utf-8")
    for dirpath, _, filenames in os.walk(work):
        os.chown(dirpath, uid, uid)
        for name in filenames:
            os.chown(os.path.join(dirpath, name), uid, uid)

    def as_user(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", LAUNCH, str(uid), str(work), *args], capture_output=True,
                              text=True, timeout=600, stdin=subprocess.DEVNULL)

    done = as_user("check", "counter", *ONE_TEST)
    assert done.returncode == 0 and done.stderr == "", done.stdout + done.stderr  # no warning for a student
    bomb = as_user("check", "counter", "bomb.py", *ONE_TEST, "--time-limit", BOMB_LIMIT)
    assert bomb.returncode == 1 and "Importing counter.py failed with BlockingIOError" in bomb.stdout, bomb.stdout
    graded = as_user("grade", "subs", "--out", "out", "--jobs", "1", "--quiet", *FAST_LIMITS)
    assert graded.returncode == 0, graded.stderr
    lines = graded.stderr.strip().splitlines()
    assert len(lines) == 1 and "the grader does not run as root" in lines[0], graded.stderr
    row = read_csv(work / "out" / "grades.csv")[1]
    assert row[0] == "ada" and float(row[-2]) == sum(c.max_points for c in catalogs.values())
    assert os.stat(work / "out" / "grades.csv").st_uid == uid


def test_the_decision_without_root_uses_no_namespace_no_cgroup_and_explains_why(monkeypatch):
    monkeypatch.setattr(os, "getuid", lambda: 1000)
    decided = sandbox._decide()
    assert (decided.root, decided.drop, decided.namespaces, decided.cgroup) == (False, False, False, None)
    assert len(decided.problems) == 1 and "does not run as root" in decided.problems[0]
    assert "grader's own user" in decided.describe()


def test_symbolic_links_on_the_way_are_followed_to_every_path_they_pass(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "c").symlink_to("a")
    (tmp_path / "a" / "d").symlink_to(tmp_path / "a" / "b")
    steps = isolation.expand_links(str(tmp_path / "c" / "d" / "x"))
    base = str(tmp_path.resolve())
    assert steps[0] == str(tmp_path / "c" / "d" / "x")
    assert f"{base}/a/d/x" in steps and f"{base}/a/b/x" in steps


def test_a_blocking_folder_is_the_outermost_one_the_user_cannot_enter(tmp_path):
    inner = tmp_path / "closed" / "also-closed" / "open"
    inner.mkdir(parents=True)
    os.chmod(tmp_path / "closed", 0o700)
    os.chmod(tmp_path / "closed" / "also-closed", 0o700)
    owner = os.stat(tmp_path / "closed").st_uid
    stranger = owner + 12345
    # the temporary folder's own ancestors may already be closed to strangers (pytest makes them 700)
    closed = [str(p) for p in [*reversed(tmp_path.parents), tmp_path] if not os.stat(p).st_mode & 0o001]
    assert isolation.blocking_folder(str(inner / "mod.py"), stranger, stranger) == \
        (closed[0] if closed else str(tmp_path / "closed"))
    assert isolation.blocking_folder(str(inner / "mod.py"), owner, owner) is None


# ------------------------------------------------------------------------- between exercises

MESSY_SUITE = '''
STUDENT_MODULE = "messy"


def test_imports(student):
    assert student.LEFT_BEHIND
'''
THREADS_SUITE = '''
import threading

STUDENT_MODULE = "threads"


def test_starts_forty_threads(student):
    release = threading.Event()
    started = [threading.Thread(target=release.wait) for _ in range(40)]
    try:
        for thread in started:
            thread.start()  # all forty alive at once
    finally:
        release.set()
    for thread in started:
        if thread.ident is not None:
            thread.join()
'''
ZOMBIES = '''
"""Leaves unreaped children behind (a zombie bomb), then passes."""
import os

for _ in range(110):
    try:
        if os.fork() == 0:
            os._exit(0)
    except OSError:
        break
LEFT_BEHIND = True
'''
HOARD = '''
"""Keeps most of its address space mapped after its test, then passes."""
import mmap
import sys

sys.hoard = [mmap.mmap(-1, 64 << 20) for _ in range({limit} * 7 // 8 // (64 << 20))]  # outlives the test
LEFT_BEHIND = True
'''


@pytest.mark.parametrize("mess", ["zombies", "memory"])
def test_what_one_exercise_leaves_does_not_starve_the_next(tmp_path, mess):
    """A submission's exercises share a child: zombies or hoarded memory of the first must not cost
    the second its threads."""
    if mess == "zombies" and not sandbox.isolation().drop and sandbox.isolation().cgroup is None:
        pytest.skip("without a per-child process limit, zombies starve nobody here")
    suites = tmp_path / "suites"
    suites.mkdir()
    (suites / "messy_tests.py").write_text(MESSY_SUITE, encoding="utf-8")
    (suites / "threads_tests.py").write_text(THREADS_SUITE, encoding="utf-8")
    limits = sandbox.DEFAULT_LIMITS
    messy = ZOMBIES if mess == "zombies" else HOARD.replace("{limit}", str(limits.memory_bytes))
    (tmp_path / "messy.py").write_text(messy, encoding="utf-8")
    (tmp_path / "threads.py").write_text("", encoding="utf-8")
    plan = [sandbox.PlannedTest("messy", suites / "messy_tests.py", "test_imports"),
            sandbox.PlannedTest("threads", suites / "threads_tests.py", "test_starts_forty_threads")]
    verdicts = sandbox.run_tests({"messy.py": tmp_path / "messy.py", "threads.py": tmp_path / "threads.py"}, plan,
                                 seed=1, replay="{test}", limits=limits)
    assert {key: v.status for key, v in verdicts.items()} == {
        ("messy", "test_imports"): "passed", ("threads", "test_starts_forty_threads"): "passed"}, \
        {key: (v.status, v.reason, (v.record or {}).get("feedback")) for key, v in verdicts.items()}
