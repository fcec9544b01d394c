"""Rebinds a constant of the engine, the set of opcodes it never stops at, to every opcode: no
preemption point is left (the integrity check compared only functions, classes and modules)."""
import dis as _dis
import sys as _sys

_sys.modules["auto" + "grader.race.scope"]._LOCAL_OPS = frozenset(_dis.opname)

