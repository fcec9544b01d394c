"""Preemption points between bytecode instructions: a settrace backend and a sys.monitoring backend.

* Python 3.10 and 3.11: ``sys.settrace`` in each controlled thread, with ``frame.f_trace_opcodes``
  switched on for in-scope frames only, so the engine sees every instruction of the code under test.
* Python 3.12 and newer: ``sys.monitoring`` INSTRUCTION events, enabled per code object the first time
  it starts (a PY_START event that is then disabled for that code). settrace is not used there: on
  3.12.1 and 3.13.0 it gives no opcode events on the first call of a code object (python/cpython#114480).

A line-level hook would not do: it cannot split ``x += 1`` into its read and its write.

Standard-library code is interleaved only on behalf of code in scope (``Scope.on_behalf``). With
settrace that is decided once per frame, at its call event. With sys.monitoring, INSTRUCTION events
are per code object and fire for every caller, so each event in library code asks whether its
frame runs for code in scope; the answer is memoised for the last frame asked about, and a frame
run for the grader or the engine costs a callback per instruction but no step.
"""

from __future__ import annotations

import sys
from _thread import get_ident as _get_ident
from builtins import id as _id
from typing import Any

from .runtime import RunAborted, ThreadRecord
from .scope import may_keep

_settrace = sys.settrace
_gettrace = sys.gettrace
if sys.version_info >= (3, 12):  # keep the real functions: the engine guards the public names
    _mon = sys.monitoring
    _use_tool_id, _free_tool_id = _mon.use_tool_id, _mon.free_tool_id
    _register_callback, _set_events = _mon.register_callback, _mon.set_events
    _set_local_events, _get_events = _mon.set_local_events, _mon.get_events
    _restart_events, _get_tool = _mon.restart_events, _mon.get_tool


OUT, IN_SCOPE, LIBRARY = 0, 1, 2


class SettraceBackend:
    """Per-thread ``sys.settrace`` with opcode events (3.10, 3.11)."""

    name = "settrace"

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        # per explore, keyed by id(code) (hashing a code object hashes its bytecode and constants,
        # on every lookup); ``keep`` holds each code object so that its id cannot be reused meanwhile
        self.kinds: dict[int, int] = {}  # IN_SCOPE, LIBRARY or OUT
        self.maps: dict[int, bytes] = {}  # the visible-instruction table of each traced code object
        self.keep: list[Any] = []

    def start(self) -> None:
        pass

    def stop(self) -> None:
        self.kinds.clear()
        self.maps.clear()
        self.keep.clear()

    def thread_started(self, rec: ThreadRecord) -> None:
        scope = self.engine.scope
        visible_map = scope.visible
        maps = self.maps
        keep = self.keep
        run = rec.run
        point = run.point
        recording = run.log is not None
        max_steps = run.max_steps

        def tracer(code: Any) -> Any:
            # one closure per traced frame, holding its code object: on 3.11 every read of
            # ``frame.f_code`` raises an audit event ("object.__getattr__"), and the grader's audit
            # hook would otherwise run once per instruction of the code under test
            table = maps.get(_id(code))
            if table is None:
                table = maps[_id(code)] = visible_map(code)
                keep.append(code)

            def local(frame: Any, event: str, arg: Any) -> Any:
                if event == "opcode":
                    offset = frame.f_lasti
                    visible = table[offset >> 1]
                    if not visible and not recording and rec is run.current:
                        # Run.point's fast path, inline: a frame-local instruction has nothing to
                        # decide, and this saves a call for about half of all instructions
                        run.steps += 1
                        if run.steps <= max_steps:
                            return local
                    point(rec, visible, code, offset, frame if recording else None)
                return local

            return local

        library = scope.library
        # per code object: IN_SCOPE, LIBRARY (traced when its caller is) or OUT (the grader's, the
        # engine's own: most calls a scenario thread makes are into the engine's primitives, and each
        # costs one dictionary lookup here instead of two method calls)
        kinds = self.kinds
        kind_of = kinds.get

        def classify(code: Any) -> int:
            kind = kinds[_id(code)] = IN_SCOPE if scope(code) else LIBRARY if library(code) else OUT
            if may_keep(code):
                keep.append(code)
            return kind

        def on_behalf(parent: Any) -> bool:
            # the caller decided already: in scope, or library code this backend chose to trace,
            # so the answer costs two lookups however deep the library stack
            if parent is None:
                return False
            code = parent.f_code
            kind = kind_of(_id(code))
            if kind is None:
                kind = classify(code)
            return kind == IN_SCOPE or (kind == LIBRARY and parent.f_trace is not None)

        def global_trace(frame: Any, event: str, arg: Any) -> Any:
            if event != "call":
                return None
            code = frame.f_code
            kind = kind_of(_id(code))
            if kind is None:
                kind = classify(code)
            if kind == OUT:
                return None
            if kind == IN_SCOPE or on_behalf(frame.f_back):
                frame.f_trace_opcodes = True
                frame.f_trace_lines = False
                return tracer(code)
            return None

        rec.tracefn = global_trace
        _settrace(global_trace)

    def thread_finished(self, rec: ThreadRecord) -> None:
        _settrace(None)

    def intact(self, rec: ThreadRecord) -> bool:
        return _gettrace() is rec.tracefn


class MonitoringBackend:
    """Process-wide ``sys.monitoring`` INSTRUCTION events on in-scope code objects (3.12+)."""

    name = "sys.monitoring"
    TOOL_NAME = "autograder.race"

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.tool: int | None = None
        self.instrumented: list[Any] = []  # also what keeps the ids below from being reused
        # keyed by id(code): hashing a code object walks its whole bytecode, twice per event otherwise
        self.maps: dict[int, bytes] = {}
        self.library: set[int] = set()  # instrumented standard-library code (see Scope.on_behalf)
        self._memo_frame: Any = None  # the last library frame asked about, and the answer
        self._memo = False

    def start(self) -> None:
        mon = sys.monitoring
        for tool in (4, 3, 5, 2, 0, 1):
            if _get_tool(tool) is None:
                break
        else:
            raise RuntimeError(
                "the race engine needs a free sys.monitoring tool id, but all six are in use"
            )
        _use_tool_id(tool, self.TOOL_NAME)
        self.tool = tool
        events = mon.events
        _register_callback(tool, events.PY_START, self._on_start)
        _register_callback(tool, events.INSTRUCTION, self._on_instruction)
        _restart_events()
        _set_events(tool, events.PY_START)

    def stop(self) -> None:
        mon = sys.monitoring
        tool = self.tool
        if tool is None:
            return
        for code in self.instrumented:
            _set_local_events(tool, code, 0)
        self.instrumented.clear()
        self.maps.clear()
        self.library.clear()
        self._memo_frame = None
        _set_events(tool, 0)
        _register_callback(tool, mon.events.PY_START, None)
        _register_callback(tool, mon.events.INSTRUCTION, None)
        _free_tool_id(tool)
        self.tool = None

    def _on_start(self, code: Any, offset: int) -> Any:
        scope = self.engine.scope
        if _id(code) not in self.maps:
            if scope(code):
                pass
            elif scope.library(code):
                # INSTRUCTION events are per code object, so they fire for every caller; each
                # instruction then asks whether this frame runs on behalf of code in scope
                self.library.add(_id(code))
            else:
                return sys.monitoring.DISABLE
            self.maps[_id(code)] = scope.visible(code)
            _set_local_events(self.tool, code, sys.monitoring.events.INSTRUCTION)
            self.instrumented.append(code)
        return sys.monitoring.DISABLE

    def _on_instruction(self, code: Any, offset: int) -> Any:
        run = self.engine._run  # the attribute behind Engine.run: no property call per instruction
        if run is None:
            return None
        rec = run.by_ident.get(_get_ident())
        if rec is None:
            return None  # a thread outside the scenario runs this code: not ours to schedule
        key = _id(code)
        if key in self.library:
            frame = sys._getframe(1)
            if frame is not self._memo_frame:
                # the memo holds the frame, so its identity cannot be reused while it is kept
                self._memo_frame = frame
                self._memo = self.engine.scope.on_behalf(frame.f_back)
            if not self._memo:
                return None
        else:
            frame = sys._getframe(1) if run.log is not None else None
        visible = self.maps[key][offset >> 1]
        if not visible and run.log is None and rec is run.current:
            run.steps += 1  # Run.point's fast path, inline (a frame-local instruction: nothing to decide)
            if run.steps <= run.max_steps:
                return None
        run.point(rec, visible, code, offset, frame)
        return None

    def thread_started(self, rec: ThreadRecord) -> None:
        pass

    def thread_finished(self, rec: ThreadRecord) -> None:
        pass

    def intact(self, rec: ThreadRecord) -> bool:
        return self.tool is not None and _get_tool(self.tool) == self.TOOL_NAME and bool(
            _get_events(self.tool) & sys.monitoring.events.PY_START
        )


def make_backend(engine: Any) -> SettraceBackend | MonitoringBackend:
    if sys.version_info >= (3, 12):
        return MonitoringBackend(engine)
    return SettraceBackend(engine)


__all__ = ["SettraceBackend", "MonitoringBackend", "make_backend", "RunAborted"]
