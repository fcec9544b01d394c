"""Build a wheel of the installed grader, choosing what goes in: with or without hidden suites.

``pip wheel`` would need the build backend and the source tree; this writes the wheel directly from
the package that is running (PEP 427: the files, ``*.dist-info/METADATA``, ``WHEEL``,
``entry_points.txt`` and ``RECORD``). Reference solutions are never included; hidden suites only
when asked for (the Gradescope autograder needs them, the student bundle must not have them).
"""

from __future__ import annotations

import base64
import hashlib
import zipfile
from importlib import metadata
from pathlib import Path

import autograder
from autograder import resources

DIST = "threadgrader"
FIXED_TIME = (2020, 1, 1, 0, 0, 0)  # reproducible archives
# instructor tools left out of the student wheel: the scaffold's template holds a working solution
INSTRUCTOR_ONLY = {"scaffold.py"}


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def package_files(include_hidden: bool) -> list[tuple[str, bytes]]:
    """(path inside the wheel, content) of every file the wheel carries, sorted."""
    package = Path(autograder.__file__).resolve().parent
    files: dict[str, bytes] = {}
    for path in sorted(package.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo"):
            continue
        rel = path.relative_to(package)
        if rel.parts[0] == "_data":
            continue  # re-added below from the course material
        if not include_hidden and (path.name == "hidden_tests.py" or rel.as_posix() in INSTRUCTOR_ONLY):
            continue
        files[f"autograder/{rel.as_posix()}"] = path.read_bytes()
    assignments = resources.assignments_dir()
    for path in sorted(assignments.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            files[f"autograder/_data/assignments/{path.relative_to(assignments).as_posix()}"] = path.read_bytes()
    return sorted(files.items())


def _metadata_text() -> str:
    version = autograder.__version__
    lines = ["Metadata-Version: 2.1", f"Name: {DIST}", f"Version: {version}",
             "Summary: An auto-grading course package for Python threads (course build).",
             "Requires-Python: >=3.10"]
    try:
        requires = metadata.requires(DIST) or []
    except metadata.PackageNotFoundError:
        requires = ["pytest>=7.4", "pytest-xdist>=3.3", "Faker>=20", "rich>=13", "Jinja2>=3.1"]
    for requirement in requires:
        if "extra ==" not in requirement:
            lines.append(f"Requires-Dist: {requirement}")
    return "\n".join(lines) + "\n"


def build_wheel(folder: Path, *, include_hidden: bool) -> Path:
    """Write ``threadgrader-VERSION-py3-none-any.whl`` into ``folder`` and return its path."""
    version = autograder.__version__
    info = f"{DIST}-{version}.dist-info"
    path = folder / f"{DIST}-{version}-py3-none-any.whl"
    folder.mkdir(parents=True, exist_ok=True)
    entries = package_files(include_hidden)
    entries.append((f"{info}/METADATA", _metadata_text().encode()))
    entries.append((f"{info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: autograder\nRoot-Is-Purelib: true\n"
                                     b"Tag: py3-none-any\n"))
    entries.append((f"{info}/entry_points.txt",
                    b"[console_scripts]\nautograder = autograder.cli:main\n\n"
                    b"[pytest11]\nautograder = autograder.testing.plugin\n"))
    record_lines = [f"{name},{_record_hash(data)},{len(data)}" for name, data in entries]
    record_lines.append(f"{info}/RECORD,,")
    entries.append((f"{info}/RECORD", ("\n".join(record_lines) + "\n").encode()))
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            entry = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, data)
    tmp.replace(path)
    return path
