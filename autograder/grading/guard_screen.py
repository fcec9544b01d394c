"""A static screen of each submission's source, before anything runs: constructs that introspect or
tamper (gc, frames, code objects, ctypes, sys.modules/sys.path/builtins writes, exec of built
strings, the grader's names, writing .py files, raw file descriptors, /proc).

A finding is a flag for the instructor's review (file:line and what), never a zero by itself: a
student may have a good reason, and what actually reaches into the grader at run time is refused
and costs points on its own (see :mod:`autograder.grading.guard`).
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

MODULES = {
    "gc": "imports gc (the garbage collector can hand out the grader's objects)",
    "ctypes": "imports ctypes (direct memory access)",
    "inspect": "imports inspect (frames, source of other modules)",
    "importlib": "imports importlib (loading modules by hand)",
    "marshal": "imports marshal (code objects)",
    "bdb": "imports bdb (a debugger's frames)",
    "pdb": "imports pdb (a debugger's frames)",
    "builtins": "imports builtins",
    "autograder": "imports the grader",
    "pytest": "imports pytest",
    "_pytest": "imports pytest's internals",
    "pluggy": "imports pluggy (pytest's plugin system)",
    "faker": "imports Faker (the grader's test data)",
    "linecache": "imports linecache (the source lines of every module the grader formats)",
}
ATTRIBUTES = {
    "_getframe": "sys._getframe (the call stack)", "_current_frames": "sys._current_frames",
    "_getframemodulename": "sys._getframemodulename", "currentframe": "inspect.currentframe",
    "stack": None, "f_back": "frame.f_back", "f_locals": "frame.f_locals", "f_globals": "frame.f_globals",
    "f_trace": "frame.f_trace (switches tracing)", "f_trace_opcodes": "frame.f_trace_opcodes (switches tracing)",
    "f_code": "frame.f_code", "tb_frame": "traceback.tb_frame", "gi_frame": "generator.gi_frame",
    "cr_frame": "coroutine.cr_frame", "ag_frame": "async generator.ag_frame", "__code__": "__code__",
    "__globals__": "__globals__", "__closure__": "__closure__", "cell_contents": "cell_contents",
    "__subclasses__": "__subclasses__", "__builtins__": "__builtins__", "settrace": "settrace",
    "setprofile": "setprofile", "monitoring": "sys.monitoring", "addaudithook": "sys.addaudithook",
    "get_objects": "gc.get_objects", "get_referrers": "gc.get_referrers", "get_referents": "gc.get_referents",
    "unfreeze": "gc.unfreeze (puts the grader's objects back within reach of gc's walks)",
    "getsource": "inspect.getsource", "getsourcefile": "inspect.getsourcefile",
    "gettrace": "sys.gettrace (is the grader tracing?)", "getprofile": "sys.getprofile (is the grader profiling?)",
    "get_tool": "sys.monitoring.get_tool (is the grader watching?)", "LockType": "_thread.LockType",
    "fork": "os.fork (a copy of the process that runs the tests)",
    "forkpty": "os.forkpty (a copy of the process that runs the tests)",
    # the race engine's and the test harness's own state: no use in a threads exercise but to change how
    # the grader runs or reports it
    "ENGINE": "the race engine in progress", "_ag_record": "the race engine's record of a thread",
    "_ag_waiters": "the race engine's waiters of a Condition", "_by_file": "the race engine's scope",
    "_by_code": "the race engine's scope", "CONTEXT": "the test harness's context",
}
NAMES = ("autograder", "pytest", "_pytest", "hidden_tests", "pluggy", "ChannelPlugin", "Integrity", "solutions/",
         "STUDENT_MODULE", "PYTEST_CURRENT_TEST", "_ag_record", "_ag_waiters", "_by_file", "_by_code")
WHOLE_NAMES = ("ENGINE", "CONTEXT")  # names that a docstring may hold as words: only a string that is just the name
BUILDERS = {"exec", "eval", "compile", "__import__"}
STDLIB = frozenset(getattr(sys, "stdlib_module_names", ())) - {"__future__"}


# Constructs with no use in a threads exercise but to reach into the grader: the frames of the call
# stack and what they hold, closures' cells, the garbage collector's object walks, tracing switches,
# ctypes, pytest's internals and the grader's own classes. A file that contains one gets no points for
# its exercise (it is tampering, whatever the run did); every other finding is for review only.
SEVERE = frozenset({
    "sys._getframe (the call stack)", "sys._current_frames", "sys._getframemodulename", "inspect.currentframe",
    "frame.f_back", "frame.f_locals", "frame.f_globals", "frame.f_trace (switches tracing)",
    "frame.f_trace_opcodes (switches tracing)", "traceback.tb_frame", "generator.gi_frame", "coroutine.cr_frame",
    "async generator.ag_frame", "__closure__", "cell_contents", "__subclasses__", "settrace", "setprofile",
    "sys.addaudithook", "gc.get_objects", "gc.get_referrers", "gc.get_referents",
    "gc.unfreeze (puts the grader's objects back within reach of gc's walks)",
    "sys.gettrace (is the grader tracing?)", "sys.getprofile (is the grader profiling?)",
    "sys.monitoring.get_tool (is the grader watching?)", "the type of a lock (is the grader watching?)",
    MODULES["ctypes"], MODULES["_pytest"], MODULES["pluggy"],
    "the race engine in progress", "the race engine's record of a thread", "the race engine's waiters of a Condition",
    "the race engine's scope", "the test harness's context",
})
SEVERE_NAMES = ("hidden_tests", "ChannelPlugin", "Integrity", "ENGINE", "CONTEXT", "_ag_record", "_ag_waiters",
                "_by_file", "_by_code")


@dataclass(frozen=True)
class Finding:
    """One construct for the instructor to look at (``severe``: one that costs the exercise)."""

    file: str
    line: int
    what: str
    severe: bool = False

    def text(self) -> str:
        return f"{self.file}:{self.line}: {self.what}"


def _dotted(node: ast.AST) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


class _Screen(ast.NodeVisitor):
    def __init__(self, name: str) -> None:
        self.name = name
        self.found: list[Finding] = []
        self.stdlib: set[str] = set()  # the names this file bound to standard-library modules

    def add(self, node: ast.AST, what: str) -> None:
        severe = what in SEVERE or what.removeprefix("uses ") in SEVERE or any(
            what == f"names {name!r}" for name in SEVERE_NAMES) or what == "assigns __code__"
        self.found.append(Finding(self.name, getattr(node, "lineno", 0), what, severe))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name.split(".")[0] in STDLIB:
                self.stdlib.add(alias.asname or alias.name.split(".")[0])
            what = MODULES.get(alias.name.split(".")[0])
            if what:
                self.add(node, what)
        self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        what = MODULES.get((node.module or "").split(".")[0])
        if what:
            self.add(node, what)
        for alias in node.names:
            if alias.name in ATTRIBUTES and ATTRIBUTES[alias.name]:
                self.add(node, f"uses {ATTRIBUTES[alias.name]}")
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        what = ATTRIBUTES.get(node.attr)
        if what:
            self.add(node, f"uses {what}")
        dotted = _dotted(node)
        if isinstance(node.ctx, ast.Store) and node.attr in ("__code__", "__defaults__", "__kwdefaults__"):
            self.add(node, f"assigns {node.attr}")
        if isinstance(node.ctx, (ast.Store, ast.Del)) and dotted.startswith(("sys.", "builtins.")):
            self.add(node, f"assigns {dotted}")
        elif isinstance(node.ctx, (ast.Store, ast.Del)) and dotted.split(".")[0] in self.stdlib and "." in dotted:
            # random.Random.randrange = ...: the standard library is the grader's too (its test data)
            self.add(node, f"assigns {dotted}, part of the standard library")
        if isinstance(node.ctx, (ast.Store, ast.Del)) and isinstance(node.value, ast.Subscript) and (
                _dotted(node.value.value).split(".")[-1] == "modules"):
            self.add(node, "assigns an attribute of a module taken from sys.modules")
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        sliced = _joined(node)
        if sliced is not None:
            self.built(node, sliced)  # "stcejbo_teg"[::-1] is the name it spells
            return
        dotted = _dotted(node.value)
        if dotted in ("sys.modules", "sys.path", "__builtins__") and isinstance(node.ctx, (ast.Store, ast.Del)):
            self.add(node, f"writes {dotted}[...]")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = _dotted(node.func)
        if func == "type" and node.args and isinstance(node.args[0], ast.Call) and _dotted(
                node.args[0].func).rsplit(".", 1)[-1] in ("Lock", "RLock", "allocate_lock", "Semaphore", "Condition"):
            self.add(node, "the type of a lock (is the grader watching?)")
        last = func.rsplit(".", 1)[-1]
        if last in BUILDERS and not (node.args and isinstance(node.args[0], ast.Constant)):
            self.add(node, f"calls {last}() on code built at run time")
        if func.startswith(("sys.modules.", "sys.path.")) and last in (
                "insert", "append", "extend", "pop", "update", "setdefault", "__setitem__", "clear", "remove"):
            self.add(node, f"changes {func.rsplit('.', 1)[0]} ({last})")
        if func in ("os.write", "os.dup2", "os.fdopen", "os.pwrite", "os.writev"):
            self.add(node, f"calls {func} (raw file descriptors)")
        if func == "setattr" and node.args and _dotted(node.args[0]).startswith(("sys", "builtins")):
            self.add(node, f"setattr on {_dotted(node.args[0])}")
        if func in ("importlib.import_module", "importlib.reload", "importlib.util.spec_from_file_location"):
            self.add(node, f"calls {func}")
        if last in ("__import__", "import_module") and node.args:
            module = _joined(node.args[0])
            what = MODULES.get(module.split(".")[0]) if module else None
            if what:
                self.add(node, what)  # __import__("gc") imports gc
        if (last == "join" and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Constant)
                and isinstance(node.func.value.value, str) and len(node.args) == 1
                and isinstance(node.args[0], (ast.List, ast.Tuple))):
            pieces = [_joined(e) for e in node.args[0].elts]
            if all(p is not None for p in pieces):
                self.built(node, node.func.value.value.join(pieces))  # type: ignore[arg-type]
        if func in ("getattr", "setattr", "delattr", "object.__getattribute__", "object.__setattr__") and len(
                node.args) >= 2 and not isinstance(node.args[1], ast.Constant):
            self.add(node, f"calls {func}() with a name built at run time")
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        joined = _joined(node)
        if joined is not None:
            self.built(node, joined)
            return  # its pieces are not names on their own
        self.generic_visit(node)

    def built(self, node: ast.AST, text: str) -> None:
        """A string put together from pieces: screened as if it were written whole (a name the screen
        looks for, split in two, is still that name)."""
        what = ATTRIBUTES.get(text)
        if what:
            self.add(node, f"uses {what}")
        self.visit_Constant(ast.copy_location(ast.Constant(text), node))

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str):
            text = node.value
            if text.startswith("/proc"):
                self.add(node, f"names {text[:40]!r}")
            elif text.endswith(".py") and len(text) < 200:
                self.add(node, f"names a Python file {text[:40]!r}")
            elif text in WHOLE_NAMES:
                self.add(node, f"names {text!r}")
            elif ATTRIBUTES.get(text):
                self.add(node, f"uses {ATTRIBUTES[text]}")  # getattr(f, "__code__"), attrgetter("f_back")
            else:
                for name in NAMES:
                    if name in text:
                        self.add(node, f"names {name!r}")
                        break


def _joined(node: ast.AST) -> str | None:
    """The text of a string constant, or of string constants added together; None otherwise."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _joined(node.left), _joined(node.right)
        if left is not None and right is not None:
            return left + right
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
        # a slice of such a string with constant bounds: "stcejbo_teg"[::-1], "xget_objectsx"[1:-1]
        text = _joined(node.value)
        bounds = [node.slice.lower, node.slice.upper, node.slice.step]
        if text is not None and all(b is None or (isinstance(b, ast.Constant) and type(b.value) is int)
                                    or (isinstance(b, ast.UnaryOp) and isinstance(b.op, ast.USub)
                                        and isinstance(b.operand, ast.Constant) and type(b.operand.value) is int)
                                    for b in bounds):
            values = [None if b is None else b.value if isinstance(b, ast.Constant) else -b.operand.value
                      for b in bounds]
            if values[2] != 0:
                return text[slice(*values)]
    return None


def screen_source(name: str, source: str) -> list[Finding]:
    """The findings in one file's source (none for a file that does not parse: grading says so)."""
    try:
        tree = ast.parse(source, filename=name)
    except (SyntaxError, ValueError):
        return []
    visitor = _Screen(name)
    visitor.visit(tree)
    seen: set[tuple[int, str]] = set()
    out = []
    for finding in visitor.found:
        if (finding.line, finding.what) not in seen:
            seen.add((finding.line, finding.what))
            out.append(finding)
    return out


def screen_files(files: dict[str, Path]) -> list[Finding]:
    """Findings of every file of a submission (``files`` maps the name shown to the path)."""
    out: list[Finding] = []
    for name, path in sorted(files.items()):
        try:
            source = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        out += screen_source(name, source)
    return out
