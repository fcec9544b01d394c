"""The ``autograder`` command: parses arguments and calls into grading and the integrations.

Every verb lives in a module listed in :data:`SUBCOMMANDS` that exposes ``register(subparsers)``;
``register`` adds a parser with ``set_defaults(func=handler)``, and ``handler(args)`` returns the
exit status. A listed module that is missing or fails to import is skipped, so optional parts of
the course (for example the nbgrader integration) plug in without this file knowing them.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from typing import Any

SUBCOMMANDS = [
    "autograder.grading.commands",
    "autograder.integrations.commands",
    "autograder.integrations.nbgrader.cli",
    "autograder.authoring",
]


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (and exit status 2)."""

    def error(self, message: str) -> Any:  # type: ignore[override]
        self.exit(2, f"autograder: error: {message} (see `{self.prog} --help`)\n")


def build_parser(modules: list[str] | None = None) -> argparse.ArgumentParser:
    parser = _Parser(prog="autograder",
                     description="Grade, check and publish the threads course's exercises.")
    from autograder import __version__

    parser.add_argument("--version", action="version", version=f"autograder {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in SUBCOMMANDS if modules is None else modules:
        try:
            module = importlib.import_module(name)
            register: Callable[[Any], None] = module.register
        except Exception:  # noqa: BLE001 - an optional verb that cannot load is left out
            continue
        register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(func(args) or 0)
    except KeyboardInterrupt:
        print("autograder: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
