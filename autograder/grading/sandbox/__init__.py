"""Run course tests against a student's files in child processes: limited, watched, and killed at the end.

:func:`run_tests` is the only way student code runs. It copies the student's files into a scratch
folder, starts :mod:`autograder.grading.child` (in a new session), hands it a one-time key on stdin
and reads authenticated records from a private pipe. A test that hangs past its wall-time limit, or
a child that dies (``os._exit``, a crash, a signal from a resource limit), costs only the test that
was running: the grader kills everything the child started and runs the remaining tests in a fresh
child. A test that dies while importing the student's module takes the rest of that exercise with
it, because every one of its tests imports that module first.

How far a child is isolated is probed once per grader process (:func:`isolation`):

* as root on Linux (a CI runner, a Gradescope container, an instructor's server), each child gets a
  fresh unprivileged uid, private mount and network namespaces in which that uid can run this
  Python while OUT, the submissions and the rest of private folders such as ``/root`` stay hidden
  (:mod:`autograder.grading.isolation`), and its own pids cgroup (``pids.max`` =
  ``Limits.processes``) that the grader empties and removes at the end;
* as root where namespaces are refused, the child still changes user if that user can run this
  Python; where cgroups are refused, RLIMIT_NPROC of the fresh uid bounds its processes;
* without root (a student's ``check``), the child runs as the grader's user under resource limits.

Every step that is not available is named in one warning line (:func:`announce`).

The package's parts: :mod:`.plan` (limits, planned tests, verdicts), :mod:`.probing` (what this
machine allows), :mod:`.scratch` (the child's folder and view), :mod:`.process` (one child's life)
and :mod:`.scheduling` (which tests run in which child); :mod:`.zygote` forks children from a
pre-imported parent (:mod:`autograder.grading.zygote`). The records on the channel are defined in
:mod:`autograder.grading.protocol`, shared with the child.
"""

from __future__ import annotations

from ..protocol import Cause, Reason, Status
from .plan import DEFAULT_LIMITS, Limits, MiB, PlannedTest, SandboxError, Verdict
from .probing import Isolation, _decide, announce, isolation, privileges_dropped, sandbox_uid
from .scheduling import run_tests
from .scratch import prepare_scratch, remove_scratch

__all__ = [
    "DEFAULT_LIMITS", "Cause", "Isolation", "Limits", "MiB", "PlannedTest", "Reason", "SandboxError", "Status",
    "Verdict", "_decide", "announce", "isolation", "prepare_scratch", "privileges_dropped", "remove_scratch",
    "run_tests", "sandbox_uid",
]
