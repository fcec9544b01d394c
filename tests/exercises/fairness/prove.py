"""Real-CPython evidence for the fairness samples, outside the grader.

Run ``python prove.py <exercise> <sample.py>``: it loads the sample with real threads (switch
interval 1e-6), checks the task README's requirements one by one, stress-tests the shared state,
and prints one JSON object: ``{"failed": {check: what was seen}, "passed": [checks]}``.
``python prove.py all`` runs every sample in its own interpreter and prints a summary.
A sample is wrong on real CPython exactly when some check failed.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXERCISES = ("counter", "file_writer", "vending_machine", "prime_checker", "pipeline", "downloader", "rwlock", "bank")


def load(exercise: str, sample: Path, folder: Path):
    """Copy the sample to ``folder/<exercise>.py`` and import it under that name."""
    target = folder / f"{exercise}.py"
    target.write_text(sample.read_text())
    sys.path.insert(0, str(folder))
    spec = importlib.util.spec_from_file_location(exercise, target)
    module = importlib.util.module_from_spec(spec)
    sys.modules[exercise] = module
    spec.loader.exec_module(module)
    return module


def in_thread(fn, timeout: float = 5.0):
    """Run ``fn`` in a daemon thread; return (finished, result or exception)."""
    box: dict = {}

    def run():
        try:
            box["r"] = fn()
        except BaseException as exc:  # noqa: BLE001 - recorded as evidence
            box["r"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(timeout)
    return (not t.is_alive()), box.get("r")


class Checks:
    def __init__(self) -> None:
        self.failed: dict[str, str] = {}
        self.passed: list[str] = []

    def run(self, name: str, fn) -> None:
        try:
            problem = fn()
        except BaseException as exc:  # noqa: BLE001
            problem = f"raised {type(exc).__name__}: {exc}"
        if problem:
            self.failed[name] = str(problem)
        else:
            self.passed.append(name)


thread_errors: list[str] = []


def _hook(args) -> None:
    thread_errors.append(f"{args.exc_type.__name__}: {args.exc_value}")


# ---------------------------------------------------------------- counter
def prove_counter(m, c: Checks, folder: Path) -> None:
    def one_thread():
        x = m.Counter(5)
        x.increment(); x.decrement(2); x.increment(10)
        if x.value != 14:
            return f"Counter(5) +1 -2 +10 gave {x.value}, not 14"
        a, b = m.Counter(), m.Counter(3)
        a.increment(7)
        if (a.value, b.value) != (7, 3):
            return f"two counters: {a.value}, {b.value} instead of 7, 3"
        try:
            x.value = 3
        except AttributeError:
            return None
        return "value could be assigned"

    def stress():
        for rep in range(20):
            x = m.Counter()

            def work(sign):
                for _ in range(20000):
                    (x.increment if sign else x.decrement)()
                    x.increment(2)

            ts = [threading.Thread(target=work, args=(i % 2,)) for i in range(6)]
            for t in ts: t.start()
            for t in ts: t.join()
            if x.value != 6 * 40000:
                return f"rep {rep}: 6 threads x 20000 mixed updates gave {x.value}, expected {6 * 40000}"

    def cc():
        before = threading.active_count()
        seen = set()
        orig = m.Counter.increment

        def spy(self, *a, **k):
            seen.add(threading.get_ident())
            return orig(self, *a, **k)

        m.Counter.increment = spy
        try:
            for rep in range(10):
                got = m.count_concurrently(8, 20000)
                if got != 160000:
                    return f"rep {rep}: count_concurrently(8, 20000) returned {got}"
                if threading.active_count() != before:
                    return f"{threading.active_count() - before} threads still running after return"
            if threading.get_ident() in seen or len(seen) < 2:
                return f"increments ran in {len(seen)} thread(s), main thread included: {threading.get_ident() in seen}"
        finally:
            m.Counter.increment = orig
        if m.count_concurrently(0, 5) != 0 or m.count_concurrently(3, 0) != 0:
            return "edge cases (0 threads / 0 increments) not 0"

    def stress_fraction():
        # Fraction's arithmetic is Python code, so CPython can switch threads between the read
        # and the write of a read-modify-write, as it can at any call in a longer method.
        from fractions import Fraction
        for rep in range(20):
            x = m.Counter(Fraction(0))

            def work(sign):
                for _ in range(3000):
                    (x.increment if sign else x.decrement)(Fraction(1, 2))
                    x.increment(Fraction(1))

            ts = [threading.Thread(target=work, args=(i % 2,)) for i in range(6)]
            for t in ts: t.start()
            for t in ts: t.join()
            if x.value != 6 * 3000:
                return f"rep {rep}: 6 threads x 3000 mixed Fraction updates gave {x.value}, expected {6 * 3000}"

    c.run("one_thread", one_thread)
    c.run("stress_mixed", stress)
    c.run("stress_fraction_amounts", stress_fraction)
    c.run("count_concurrently", cc)


# ---------------------------------------------------------------- file_writer
def prove_file_writer(m, c: Checks, folder: Path) -> None:
    def functional():
        p = folder / "f1.txt"
        p.write_text("old\n")
        w = m.SafeFileWriter(p)
        w.write_line("a b")
        try:
            w.write_line("x\ny")
            return "a text with an embedded newline was accepted"
        except ValueError:
            pass
        w.close(); w.close()
        try:
            w.write_line("late")
            return "write_line after close did not raise ValueError"
        except ValueError:
            pass
        with m.SafeFileWriter(p) as w2:
            w2.write_line("c")
        if p.read_text() != "old\na b\nc\n":
            return f"file holds {p.read_text()!r}"

    def many_threads():
        for rep in range(5):
            p = folder / f"stress{rep}.txt"
            w = m.SafeFileWriter(p)

            def work(i):
                for j in range(3000):
                    w.write_line(f"thread-{i}-line-{j}-" + "x" * (j % 50))

            ts = [threading.Thread(target=work, args=(i,)) for i in range(8)]
            for t in ts: t.start()
            for t in ts: t.join()
            w.close()
            lines = p.read_bytes().decode("utf-8", "replace").split("\n")[:-1]
            expected = {f"thread-{i}-line-{j}-" + "x" * (j % 50) for i in range(8) for j in range(3000)}
            bad = [ln for ln in lines if ln not in expected]
            if bad or len(lines) != len(expected):
                return f"rep {rep}: {len(lines)} lines of {len(expected)}, {len(bad)} torn, e.g. {bad[:1]}"

    def close_race():
        for rep in range(200):
            p = folder / "race.txt"
            p.unlink(missing_ok=True)
            w = m.SafeFileWriter(p)
            odd: list[str] = []
            start = threading.Event()

            def work(i):
                start.wait()
                for j in range(200):
                    try:
                        w.write_line(f"w{i}-{j}-" + "y" * 300)
                    except ValueError as exc:
                        if "closed" not in str(exc) and "close" not in str(exc):
                            odd.append(repr(exc))
                        return
                    except Exception as exc:  # noqa: BLE001
                        odd.append(repr(exc))
                        return

            ts = [threading.Thread(target=work, args=(i,)) for i in range(4)]
            for t in ts: t.start()
            start.set()
            time.sleep(0.0005 * (rep % 5))
            w.close()
            for t in ts: t.join()
            text = p.read_bytes().decode("utf-8", "replace")
            torn = [ln for ln in text.split("\n")[:-1] if not ln.endswith("y" * 300)]
            if torn or not text.endswith("\n") and text:
                return f"rep {rep}: close during writes left a cut line {(torn or [text[-40:]])[0][:40]!r}"
            if odd:
                return f"rep {rep}: a writer got {odd[0]}"

    def fetch_all():
        for rep in range(3):
            urls = [f"https://site{i}.example/page" for i in range(24)]
            lock = threading.Lock()
            active, peak, calls = [0], [0], []

            def fetch(url):
                with lock:
                    active[0] += 1; peak[0] = max(peak[0], active[0]); calls.append(url)
                time.sleep(0.01)
                with lock:
                    active[0] -= 1
                return "b" * len(url)

            before = threading.active_count()
            p = folder / f"fetch{rep}.txt"
            del thread_errors[:]
            n = m.fetch_all(urls, fetch, p, n_threads=4)
            lines = p.read_text().splitlines()
            if thread_errors:
                return f"rep {rep}: a worker thread died: {thread_errors[0]}"
            if sorted(calls) != sorted(urls):
                return f"rep {rep}: {len(calls)} fetches for {len(urls)} urls"
            if n != len(urls) or sorted(lines) != sorted(f"{u}\t{len(u)}" for u in urls):
                return f"rep {rep}: returned {n}, {len(lines)} lines"
            if peak[0] < 2:
                return f"rep {rep}: downloads never overlapped (at most {peak[0]} at once)"
            if threading.active_count() != before:
                return f"rep {rep}: threads left running"
        if m.fetch_all([], lambda u: "", folder / "empty.txt") != 0:
            return "fetch_all([]) not 0"

    c.run("functional", functional)
    c.run("many_threads_whole_lines", many_threads)
    c.run("close_while_writing", close_race)
    c.run("fetch_all", fetch_all)


# ---------------------------------------------------------------- vending_machine
def prove_vending_machine(m, c: Checks, folder: Path) -> None:
    V = m.VendingMachine

    def functional():
        v = V(2)
        if (v.buy(), v.buy(), v.buy()) != (True, True, False):
            return "V(2): three buys not (True, True, False)"
        if (v.refill(), v.stock, v.refill(), v.refill(), v.stock) != (True, 1, True, False, 2):
            return "refills on V(2) emptied: expected True,1,True,False,2"
        if V().capacity != 5 or V().stock != 5:
            return "default capacity/stock not 5"
        for bad in (0, -1):
            try:
                V(bad)
                return f"V({bad}) accepted"
            except ValueError:
                pass
        for attr in ("stock", "capacity"):
            try:
                setattr(v, attr, 9)
                return f"{attr} assignable"
            except AttributeError:
                pass
        a, b = V(1), V(1)
        a.buy()
        if b.stock != 1:
            return "machines share stock"

    def no_wait():
        v = V(1)
        v.buy()
        done, r = in_thread(v.buy, 2)
        if not done or r is not False:
            return f"buy() on empty: finished={done} result={r!r}"
        t0 = time.monotonic()
        done, r = in_thread(lambda: v.buy_waiting(0), 2)
        if not done or r is not False:
            return f"buy_waiting(0) on empty: finished within 2 s={done}, result={r!r}"
        done, r = in_thread(lambda: v.buy_waiting(0.2), 3)
        if not done or r is not False or time.monotonic() - t0 < 0.15:
            return f"buy_waiting(0.2) on empty: finished={done} result={r!r}"

    def wake():
        for rep in range(20):
            v = V(1)
            v.buy()
            res = []
            t = threading.Thread(target=lambda: res.append(v.buy_waiting()), daemon=True)
            t.start()
            time.sleep(0.002 * (rep % 4))
            done, r = in_thread(v.refill, 2)
            t.join(3)
            if not done:
                return f"rep {rep}: refill() blocked while a customer waited (it never returned)"
            if res != [True] or v.stock != 0:
                return f"rep {rep}: waiting customer got {res}, stock {v.stock}"

    def two_waiters_one_bar():
        for rep in range(10):
            v = V(3)
            for _ in range(3):
                v.buy()
            res = []
            ts = [threading.Thread(target=lambda: res.append(v.buy_waiting(0.5)), daemon=True) for _ in range(2)]
            for t in ts: t.start()
            time.sleep(0.05)
            v.refill()
            for t in ts: t.join(3)
            if sorted(res) != [False, True] or v.stock != 0:
                return f"rep {rep}: one refill for two waiting customers gave {res}, stock {v.stock}"

    def stress():
        for rep in range(30):
            cap = 1 + rep % 3
            v = V(cap)
            sales, refills, seen = [0], [0], []
            lock = threading.Lock()

            def buyer():
                for _ in range(3000):
                    if v.buy():
                        with lock: sales[0] += 1
                    s = v.stock
                    if not 0 <= s <= cap:
                        seen.append(s)

            def supplier():
                for _ in range(3000):
                    if v.refill():
                        with lock: refills[0] += 1
                    s = v.stock
                    if not 0 <= s <= cap:
                        seen.append(s)

            ts = [threading.Thread(target=f) for f in (buyer, buyer, buyer, supplier, supplier)]
            for t in ts: t.start()
            for t in ts: t.join()
            if seen:
                return f"rep {rep}: capacity {cap}, stock seen at {seen[0]}"
            if v.stock != cap + refills[0] - sales[0]:
                return f"rep {rep}: stock {v.stock} != {cap} + {refills[0]} - {sales[0]}"

    def overfill():
        v = V(3)
        r = [v.refill() for _ in range(3)]
        if any(r) or v.stock != 3:
            return f"refill on a full machine gave {r}, stock {v.stock}"

    def cpu_while_waiting():
        v = V(1)
        v.buy()
        import resource
        ru = resource.getrusage(resource.RUSAGE_SELF)
        t0 = ru.ru_utime + ru.ru_stime
        v.buy_waiting(0.5)
        ru = resource.getrusage(resource.RUSAGE_SELF)
        used = ru.ru_utime + ru.ru_stime - t0
        if used > 0.05:
            return f"waiting 0.5 s on an empty machine used {used:.2f} s of CPU (busy-wait)"

    c.run("functional", functional)
    c.run("overfill", overfill)
    c.run("never_waits_and_timeouts", no_wait)
    c.run("wakes_on_refill", wake)
    c.run("two_waiters_one_bar", two_waiters_one_bar)
    c.run("stress_invariants", stress)
    c.run("cpu_while_waiting", cpu_while_waiting)


# ---------------------------------------------------------------- prime_checker
PRIMES_BELOW_20000 = 2262


def prove_prime_checker(m, c: Checks, folder: Path) -> None:
    def reference(n):
        return n >= 2 and all(n % d for d in range(2, int(n ** 0.5) + 1))

    def is_prime():
        vals = list(range(-10, 3000)) + [p * p for p in (2, 3, 5, 7, 97, 997)] + [7919 * 7907, 1_000_003]
        wrong = [n for n in vals if m.is_prime(n) != reference(n)]
        if wrong:
            return f"is_prime wrong for {wrong[:5]}"

    def check():
        orig = m.is_prime
        calls, threads, lock = [], set(), threading.Lock()
        active, peak = [0], [0]

        def spy(n):
            with lock:
                calls.append(n); threads.add(threading.get_ident())
                active[0] += 1; peak[0] = max(peak[0], active[0])
            time.sleep(0.001)
            try:
                return orig(n)
            finally:
                with lock:
                    active[0] -= 1

        m.is_prime = spy
        try:
            before = threading.active_count()
            nums = list(range(1000, 1400))
            got = m.check_primes(nums, 4)
            if got != {n: reference(n) for n in nums}:
                return f"check_primes result wrong ({len(got)} keys for {len(nums)} numbers)"
            if sorted(calls) != nums:
                return f"{len(calls)} is_prime calls for {len(nums)} numbers"
            if threading.active_count() != before:
                return f"{threading.active_count() - before} threads still running after return"
            if peak[0] < 2 or threading.get_ident() in threads:
                return f"numbers never checked at the same time (peak {peak[0]})"
        finally:
            m.is_prime = orig
        a = m.check_primes([4, 5], 2)
        b = m.check_primes([7, 9], 2)
        if a != {4: False, 5: True} or b != {7: True, 9: False}:
            return f"two calls one after the other: {a}, {b}"
        if m.check_primes([], 3) != {}:
            return "check_primes([]) not {}"

    def two_at_once():
        orig = m.is_prime

        def slow(n):
            time.sleep(0.0005)
            return orig(n)

        m.is_prime = slow
        try:
            for rep in range(5):
                out = {}
                sets = {"a": list(range(2, 200)), "b": list(range(5000, 5200))}
                ts = [threading.Thread(target=lambda k=k: out.__setitem__(k, m.check_primes(sets[k], 3))) for k in sets]
                for t in ts: t.start()
                for t in ts: t.join()
                for k, nums in sets.items():
                    if set(out[k]) != set(nums):
                        extra = len(set(out[k]) - set(nums))
                        return f"rep {rep}: call {k} got {len(out[k])} numbers, {extra} of the other call's"
        finally:
            m.is_prime = orig

    def processes():
        code = (
            "import os, sys\n"
            "sys.path.insert(0, sys.argv[1])\n"
            "import prime_checker as m\n"
            "if __name__ == '__main__':\n"
            "    print(m.count_primes_parallel(20000, 2), m.count_primes_parallel(1, 2),\n"
            "          m.count_primes_parallel(0, 2))\n"
        )
        log = folder / "pids.log"
        hook = (
            "\n\nimport os as _os\n_orig_cpir = count_primes_in_range\n"
            "def count_primes_in_range(start, stop):\n"
            "    with open(_os.environ['PROVE_PID_LOG'], 'a') as f:\n"
            "        f.write(f'{_os.getpid()}\\n')\n"
            "    return _orig_cpir(start, stop)\n"
        )
        spied = folder / "spied"
        spied.mkdir(exist_ok=True)
        (spied / "prime_checker.py").write_text((folder / "prime_checker.py").read_text() + hook)
        (spied / "main.py").write_text(code)
        env = dict(os.environ, PROVE_PID_LOG=str(log))
        out = subprocess.run([sys.executable, str(spied / "main.py"), str(spied)], capture_output=True,
                             text=True, timeout=120, env=env, cwd=spied)
        if out.returncode:
            return f"count_primes_parallel crashed: {out.stderr.strip().splitlines()[-1:]}"
        if out.stdout.split() != [str(PRIMES_BELOW_20000), "0", "0"]:
            return f"counts {out.stdout.split()} instead of {PRIMES_BELOW_20000} 0 0"
        pids = set(log.read_text().split()) if log.exists() else set()
        if len(pids) < 2:
            return f"count_primes_in_range ran in {len(pids)} process(es)"

    c.run("is_prime", is_prime)
    c.run("check_primes", check)
    c.run("two_calls_at_once", two_at_once)
    c.run("count_primes_parallel_processes", processes)


def prove_one(exercise: str, sample: Path) -> dict:
    sys.setswitchinterval(1e-6)
    threading.excepthook = _hook
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        m = load(exercise, sample, folder)
        checks = Checks()
        prove = globals().get(f"prove_{exercise}")
        if prove is None:  # a later exercise's checks live in a module of their own: prove_<exercise>.py
            sys.path.insert(0, str(HERE))
            prove = importlib.import_module(f"prove_{exercise}").prove
        prove(m, checks, folder)
    return {"failed": checks.failed, "passed": checks.passed}


def main() -> None:
    if sys.argv[1] != "all":
        print(json.dumps(prove_one(sys.argv[1], Path(sys.argv[2]))))
        os._exit(0)  # daemon threads of a deadlocked sample must not hold the exit
    names = sys.argv[2:] or EXERCISES
    evidence = HERE / "evidence.json"
    # proving some exercises keeps what the others' samples showed
    results = json.loads(evidence.read_text()) if evidence.exists() else {}
    results = {k: v for k, v in results.items() if k.split("/")[0] not in names}
    for exercise in names:
        for sample in sorted((HERE / exercise).glob("*.py")):
            try:
                out = subprocess.run([sys.executable, __file__, exercise, str(sample)], capture_output=True,
                                     text=True, timeout=300)
                res = json.loads(out.stdout.strip().splitlines()[-1]) if out.stdout.strip() else {
                    "failed": {"crash": out.stderr.strip()[-300:]}, "passed": []}
            except subprocess.TimeoutExpired:
                res = {"failed": {"timeout": "the proof did not finish in 300 s"}, "passed": []}
            results[f"{exercise}/{sample.stem}"] = res
            print(f"{exercise}/{sample.stem}: {'WRONG ' + json.dumps(res['failed']) if res['failed'] else 'ok'}",
                  flush=True)
    evidence.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
