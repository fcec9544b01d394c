"""Helpers for the nbgrader tests: an isolated Jupyter set-up, a kernel to run cells in, feedback text,
and the detector that says whether a text quotes a hidden suite's source."""

from __future__ import annotations

import ast
import html
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MIN_LINE = 12  # shorter source lines ("pass", "return x") say nothing about where they come from


def jupyter_env(root: Path, **extra: str) -> dict[str, str]:
    """Environment for Jupyter and nbgrader processes that sees nothing of this machine's set-up.

    Its kernel ``python3`` is this very interpreter (the one the tests run in, with this package and
    ipykernel installed), found first through ``JUPYTER_PATH``; the user's Jupyter and IPython
    folders are empty temporary ones. The interpreter's own bin folder leads ``PATH``, because
    nbgrader runs ``alembic`` by name and CI does not activate the virtual environment.
    """
    spec = root / "path" / "kernels" / "python3"
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (threadgrader tests)",
        "language": "python",
    }), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "AUTOGRADER_"))}
    for name in ("config", "data", "runtime", "ipython"):
        (root / name).mkdir(exist_ok=True)
    env.update(
        JUPYTER_PATH=str(root / "path"),
        JUPYTER_CONFIG_DIR=str(root / "config"),
        JUPYTER_DATA_DIR=str(root / "data"),
        JUPYTER_RUNTIME_DIR=str(root / "runtime"),
        IPYTHONDIR=str(root / "ipython"),
        PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


def run(args: list[str], env: dict[str, str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run a command; fail the test with its output when it does not succeed."""
    result = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited with {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


@dataclass
class CellResult:
    status: str
    stdout: str = ""
    stderr: str = ""
    errors: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def traceback(self) -> str:
        return "\n".join(line for error in self.errors for line in error["traceback"])


class Kernel:
    """A real ipykernel (this interpreter) to run cells in, as a notebook would."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        from jupyter_client import KernelManager
        from jupyter_client.kernelspec import KernelSpecManager

        self.km = KernelManager(kernel_name="python3")
        self.km.kernel_spec_manager = KernelSpecManager(kernel_dirs=[str(Path(env["JUPYTER_PATH"]) / "kernels")])
        self.km.start_kernel(env=env, cwd=str(cwd))
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)

    def run(self, code: str, timeout: float = 120) -> CellResult:
        result = CellResult(status="")

        def hook(message: dict[str, Any]) -> None:
            kind, content = message["msg_type"], message["content"]
            if kind == "stream":
                if content["name"] == "stdout":
                    result.stdout += content["text"]
                else:
                    result.stderr += content["text"]
            elif kind == "error":
                result.errors.append(content)

        started = time.monotonic()
        reply = self.kc.execute_interactive(code, timeout=timeout, output_hook=hook)
        result.seconds = time.monotonic() - started
        result.status = reply["content"]["status"]
        return result

    def close(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=False)  # graceful: the kernel removes its temporary files

    def __enter__(self) -> Kernel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def html_text(path: Path) -> str:
    """The text a reader sees in an HTML page (scripts and styles dropped, entities decoded)."""
    page = path.read_text(encoding="utf-8")
    page = re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def _docstring_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
                    and isinstance(body[0].value.value, str):
                lines.update(range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1))
    return lines


def secret_lines(hidden_source: str, public: list[str]) -> list[str]:
    """The hidden suite's source lines that only the suite contains.

    Docstrings are left out (their first lines are the checks' titles, shown on purpose), and so is
    any line that public material (the starter, the public tests, the task) already contains, even
    as part of a longer line: feedback may quote it without giving anything away.
    """
    public_text = re.sub(r"\s+", " ", "\n".join(public))
    docs = _docstring_lines(ast.parse(hidden_source))
    secret = []
    for number, line in enumerate(hidden_source.splitlines(), start=1):
        stripped = line.strip()
        if number in docs or len(stripped) < MIN_LINE or stripped.startswith("#"):
            continue
        if re.sub(r"\s+", " ", stripped) in public_text:  # public material quotes it already
            continue
        secret.append(stripped)
    return secret


def quoted_secrets(text: str, secrets: list[str]) -> list[str]:
    """The secret lines that ``text`` quotes (whitespace runs compared as one space)."""
    flat = re.sub(r"\s+", " ", text)
    return [line for line in secrets if re.sub(r"\s+", " ", line) in flat]
