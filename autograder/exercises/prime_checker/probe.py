"""The stand-in ``is_prime`` of the process check: it writes down which process calls it.

Kept free of heavy imports: a worker process started with ``spawn`` or ``forkserver`` imports the
student's module afresh, and the hidden suite puts an instrumented copy of that module first on
the path the workers inherit; the copy's last lines wrap its ``is_prime`` with :func:`announcing`.
Under ``fork`` the workers inherit the wrapped function from the test process itself.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

RENDEZVOUS = 5.0  # seconds a worker process waits at most, at its first is_prime, for the others to start
GRACE = 0.5  # seconds before a lone worker may conclude that no other worker process is coming


def pids(log: Path) -> set[int]:
    """The process ids written to ``log`` so far."""
    try:
        return {int(line) for line in Path(log).read_text().split()}
    except (OSError, ValueError):
        return set()


def count(path: Path) -> int | None:
    try:
        return int(Path(path).read_text())
    except (OSError, ValueError):
        return None


def announcing(original: Callable[[int], bool], log: str, census: str, parent: int,
               wanted: int) -> Callable[[int], bool]:
    """``original`` wrapped so that each process that calls it writes its pid to ``log`` once.

    A fast worker process could do all the work before the others have started; so the first call
    in each worker process waits until ``wanted`` worker processes have announced themselves; or,
    after GRACE seconds, as many as are alive (the test's thread counts them into ``census`` while
    the call runs); or RENDEZVOUS seconds have passed.
    """
    announced = {"pid": None}
    log_path, census_path = Path(log), Path(census)

    def is_prime(n: int) -> bool:
        pid = os.getpid()
        if announced["pid"] != pid:
            announced["pid"] = pid
            with open(log_path, "a") as handle:
                handle.write(f"{pid}\n")
            if pid != parent:
                started = time.monotonic()
                while True:
                    waited = time.monotonic() - started
                    workers = len(pids(log_path) - {parent})
                    if workers >= wanted or waited >= RENDEZVOUS:
                        break
                    # the census may be taken while the student's code is still starting processes:
                    # trust it only once every process has had GRACE seconds to start
                    alive = count(census_path)
                    if waited >= GRACE and alive is not None and workers >= alive:
                        break
                    time.sleep(0.002)
        return original(n)

    # so that pickle finds it as the module's is_prime, should a worker be sent the function itself
    is_prime.__module__ = getattr(original, "__module__", None) or "prime_checker"
    is_prime.__qualname__ = is_prime.__name__ = getattr(original, "__name__", "is_prime")
    return is_prime


def instrumented_copy(source: str, log: Path, census: Path, parent: int, wanted: int) -> str:
    """The student's module source with its ``is_prime`` wrapped by :func:`announcing` at the end."""
    return (source.rstrip("\n") + "\n\n\n# added by the grader: write down which process calls is_prime\n"
            "from autograder.exercises.prime_checker.probe import announcing as _ag_announcing\n"
            f"is_prime = _ag_announcing(is_prime, {str(log)!r}, {str(census)!r}, {parent!r}, {wanted!r})\n")
