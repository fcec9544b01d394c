"""How many threads this process runs (the grader's checks for threads student code left running)."""

from __future__ import annotations

import _thread
import os
import time
from typing import Any


def os_threads(_listdir: Any = os.listdir, _count: Any = _thread._count) -> int:
    """The threads of this process: the kernel's count where there is /proc (a thread just started
    is in it at once), else the Python threads alive (one started but not yet running may be missing)."""
    try:
        return len(_listdir("/proc/self/task"))
    except OSError:
        return _count() + 1


def settles_to(count: int, rounds: int = 20, _sleep: Any = time.sleep) -> bool:
    """Whether the thread count comes down to ``count`` within a moment (a thread that has released
    everything may still be on its way out)."""
    for _ in range(rounds):
        if os_threads() <= count:
            return True
        _sleep(0.005)
    return os_threads() <= count
