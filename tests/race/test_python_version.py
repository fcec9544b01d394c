"""threadgrader needs Python 3.11: on 3.10 importing it (the CLI, the plugin) stops with one clear line.

On CPython 3.10, reading ``frame.f_locals`` inside a trace function writes stale values back into
closure cells when the trace function returns, so correct code that updates a ``nonlocal`` under a
lock could fail under the engine. 3.10 is past its end of life, so the package requires 3.11.
"""

import glob
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PY310 = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.10*/bin/python3")))


@pytest.mark.skipif(not PY310, reason="no Python 3.10 under pyenv on this machine")
def test_python_310_is_refused_with_one_line():
    env = dict(os.environ, PYTHONPATH=ROOT)
    result = subprocess.run([PY310[-1], "-c", "import autograder.cli"], capture_output=True, text=True,
                            env=env, timeout=60, cwd=ROOT)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("threadgrader needs Python 3.11 or newer; this is Python 3.10")


def test_this_python_is_accepted():
    assert sys.version_info >= (3, 11)
    import autograder

    assert autograder.__version__
