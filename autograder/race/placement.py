"""Where and how the scenario threads of one explore or replay run: one CPU, no wake-up preemption.

Only one scenario thread runs at a time, and control passes between them (and the supervising
caller) thousands of times per test, each pass a lock released by one thread and acquired by the
other. Two things make a pass cheap on Linux:

* **one CPU for all of them.** A hand-off across CPUs costs a migration and a cold cache. The CPU
  is the one the caller last ran on, as the kernel placed it: processes that run side by side (the
  grader's --jobs, pytest-xdist workers) sit on different CPUs, and each keeps its threads where it
  is (choosing by pid put two workers on one CPU half the time, leaving the other idle). A process
  already held to one CPU (the grader pins each of its children) is left as it is.
* **SCHED_BATCH.** A thread woken on its CPU by a normal-policy thread preempts it at once; the
  waker, still holding the GIL, is switched out before it can block, the woken thread finds the GIL
  taken and sleeps again: three context switches per pass instead of one. A batch thread does not
  preempt on wake-up. Measured on 2 cores, Linux 6.18, Python 3.11: a lock ping-pong between two
  threads on one CPU took 12.4 us a round trip, 6.2 us as batch threads. SCHED_BATCH keeps the
  thread's nice value and share of the CPU; any user may choose it and go back.

The caller's thread gets both for the explore and has its own back afterwards; the scenario threads
inherit them when they are created. ``AUTOGRADER_RACE_PIN=0`` turns both off. Elsewhere (macOS,
Windows) nothing is changed.
"""

from __future__ import annotations

import os
from typing import Any


def pinnable_cpus() -> list[int] | None:
    """The CPUs this thread may use, sorted, when there is a choice to make: None without
    sched_getaffinity (not Linux), with fewer than two (already on one CPU, or the only one), or with
    ``AUTOGRADER_RACE_PIN=0``. The grader spreads its --jobs slots over the same list."""
    if os.environ.get("AUTOGRADER_RACE_PIN", "1") == "0" or not hasattr(os, "sched_getaffinity"):
        return None
    try:
        allowed = sorted(os.sched_getaffinity(0))
    except OSError:
        return None
    return allowed if len(allowed) >= 2 else None


def scenario_cpus() -> set[int] | None:
    """The one CPU for this explore's threads, or None to leave placement to the kernel."""
    allowed = pinnable_cpus()
    if allowed is None:
        return None
    cpu = current_cpu()
    if cpu not in allowed:
        cpu = allowed[os.getpid() % len(allowed)]
    return {cpu}


def current_cpu() -> int | None:
    """The CPU this thread last ran on (field 39 of /proc/thread-self/stat), or None."""
    try:
        with open("/proc/thread-self/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        return int(fields[36])
    except (OSError, IndexError, ValueError):
        return None


class Placement:
    """Applied to the calling thread for the length of an explore; :meth:`restore` undoes it."""

    def __init__(self, cpus: set[int] | None) -> None:
        self.cpus = cpus
        self.pinned = False  # the caller is on ``cpus``: threads it starts inherit that
        self._affinity: set[int] | None = None
        self._policy: tuple[int, Any] | None = None

    def apply(self) -> None:
        if os.environ.get("AUTOGRADER_RACE_PIN", "1") == "0":
            return
        if self.cpus is not None:
            try:
                self._affinity = os.sched_getaffinity(0)
                os.sched_setaffinity(0, self.cpus)
                self.pinned = True
            except OSError:
                self._affinity = None
        batch = getattr(os, "SCHED_BATCH", None)
        if batch is not None and hasattr(os, "sched_setscheduler"):
            try:
                policy = os.sched_getscheduler(0)
                if policy != batch:
                    param = os.sched_getparam(0)
                    os.sched_setscheduler(0, batch, os.sched_param(0))
                    self._policy = (policy, param)
            except OSError:
                self._policy = None

    def restore(self) -> None:
        if self._policy is not None:
            try:
                os.sched_setscheduler(0, *self._policy)
            except OSError:
                pass
            self._policy = None
        if self._affinity is not None:
            try:
                os.sched_setaffinity(0, self._affinity)
            except OSError:
                pass
            self._affinity = None
        self.pinned = False


__all__ = ["Placement", "current_cpu", "pinnable_cpus", "scenario_cpus"]
