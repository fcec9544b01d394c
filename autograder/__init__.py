"""threadgrader: an auto-grading course package for Python threads.

The import package is ``autograder``; its heart is :mod:`autograder.race`, an engine that decides
between bytecode instructions which thread runs next, from a seed.
"""

import sys

if sys.version_info < (3, 11):  # one clear line for the CLI, the pytest plugin and importers alike
    raise SystemExit(
        f"threadgrader needs Python 3.11 or newer; this is Python {sys.version.split()[0]} "
        f"({sys.executable})"
    )

__version__ = "0.1.0"
