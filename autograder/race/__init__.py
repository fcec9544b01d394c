"""The race engine: seeded, replayable control over how every thread interleaves.

``explore(fn)`` runs a test body again and again, each time under a different schedule that the
engine chooses between bytecode instructions of the code under test, and stops at the first
failing schedule. ``replay(fn, seed)`` re-runs exactly that schedule. The engine knows nothing
about grading.
"""

from .explorer import checkpoint, explore, in_scenario, replay
from .outcome import KINDS, Outcome, RaceFailure
from .report import TraceRow
from .strategies import decode as decode_seed

__all__ = [
    "explore", "replay", "checkpoint", "in_scenario", "Outcome", "RaceFailure", "TraceRow", "KINDS",
    "decode_seed",
]
