"""The child's side of the guard, as one call from :mod:`autograder.grading.child`.

:func:`prepare` runs before any student code: it imports what the suites use lazily (so a file in
the submission's folder cannot stand in for it), installs the audit hook of
:mod:`autograder.grading.guard`, and returns a :class:`Watch` that the child's plugin asks after
every test what was refused and which modules came from the submission's folders.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import guard


@dataclass(frozen=True)
class Watch:
    """What the child's plugin asks after each test."""

    _drain: Callable[[], list[guard.Refusal]]
    roots: tuple[str, ...]
    own: frozenset[str]
    secrets: tuple[str, ...] = ()
    trusted: tuple[str, ...] = ()
    suites: frozenset[str] = frozenset()  # the suites run here and their conftest.py files
    _cleared: dict[str, Any] = field(default_factory=dict, repr=False)  # linecache entries known not secret
    _prefixes: tuple[str, ...] = field(default=(), repr=False)  # the roots' real paths, taken once
    linecache_filter: Any = field(default=None, repr=False)  # what linecache.updatecache must stay

    def linecache_intact(self) -> bool:
        """Whether linecache still goes through :func:`keep_out_of_linecache`'s filter."""
        import linecache

        return self.linecache_filter is None or linecache.updatecache is self.linecache_filter

    def forget(self) -> None:
        """Drop the hidden suites' lines from linecache (a failure's traceback puts them there, and
        student code could read them from the cache without opening the file)."""
        import linecache

        secret = secret_file(self.secrets)
        cleared = self._cleared
        for name, entry in list(linecache.cache.items()):
            if cleared.get(name) is entry:
                continue  # this very entry was looked at before: its lines are not a suite's
            if secret(name):
                linecache.cache.pop(name, None)
            elif len(cleared) < 10_000:
                cleared[name] = entry  # a new entry for the name (read again, through a new link) is checked again

    def quietly(self, fn: Callable[[], Any]) -> Any:
        """``fn()`` with the audit hook not deciding this thread's events (see ``guard.install``)."""
        return self._drain.quietly(fn)  # type: ignore[attr-defined]

    def rewrites(self) -> frozenset[int] | None:
        """Ids of the functions whose code or defaults were written since the last call (see ``guard.install``)."""
        return self._drain.rewrites()  # type: ignore[attr-defined]

    def guard_functions(self) -> tuple[Any, ...]:
        """The guard's own functions (closures, in no module): the integrity walk reads their code every time."""
        drain = self._drain
        return (drain, drain.quietly, drain.rewrites)  # type: ignore[attr-defined]

    def student_code_loaded(self) -> bool:
        """Whether a module from the submission's folders has been imported (a suite that imports the
        student's module at its top, while pytest collects it)."""
        prefixes = (self._prefixes or guard.root_prefixes(self.roots)) + tuple(
            r.rstrip(os.sep) + os.sep for r in self.roots)
        for module in list(sys.modules.values()):
            filename = getattr(module, "__file__", None)
            if isinstance(filename, str) and filename.startswith(prefixes):
                return True
        return False

    def refused(self) -> list[str]:
        """Requests refused since the last call, in plain words with the student's file and line."""
        seen: list[str] = []
        for refusal in self._drain():
            text = refusal.text()
            if text not in seen:
                seen.append(text)
        return seen

    def shadowed(self) -> list[str]:
        return guard.shadowed(self.roots, self.own, self.trusted, self.suites, prefixes=self._prefixes or None)


def secret_file(secrets: tuple[str, ...]) -> Callable[[Any], bool]:
    """A test for a linecache name: is it, followed through links, one of ``secrets`` (files) or
    inside one of them (folders)?"""
    files = frozenset(secrets)
    dirs = tuple(s.rstrip(os.sep) + os.sep for s in secrets)
    realpath = os.path.realpath

    def secret(name: Any) -> bool:
        if not isinstance(name, str) or not name or name.startswith("<"):
            return False
        try:
            real = realpath(name)
        except (OSError, ValueError):
            real = name
        return real in files or real.startswith(dirs)

    return secret


def keep_out_of_linecache(secrets: tuple[str, ...]) -> Callable[..., list[str]]:
    """Make linecache refuse the hidden suites' (and solutions') lines in this process.

    Formatting a failure's traceback reads the source of every frame through linecache, which keeps
    what it read in ``linecache.cache``: a thread of the student's, running while pytest formats a
    failure, could copy a hidden suite from there before :meth:`Watch.forget` drops it. With this
    filter such a file is never read into the cache: its lines come back empty (the grader shows
    students none of them anyway), and so do ``inspect.getsource`` and ``linecache.getline`` on it.
    """
    import linecache

    secret = secret_file(secrets)
    original, cache = linecache.updatecache, linecache.cache

    def updatecache(filename: str, module_globals: Any = None) -> list[str]:
        if secret(filename):
            cache.pop(filename, None)
            return []
        return original(filename, module_globals)

    linecache.updatecache = updatecache
    return updatecache


def unlink_config() -> None:
    """Cut the one path from a module global to pytest's config that a test run leaves.

    pytest's assertion plugin puts the running item's config (and a closure holding the item) in
    ``_pytest.assertion.util`` for rewritten asserts; the grader runs with ``--assert=plain``, so
    nothing reads them, and from the config every plugin (the results channel too) is reachable
    by walking attributes, without gc or frames. Called as each test starts, after that plugin set them.
    """
    from _pytest.assertion import util
    from _pytest.mark import structures

    structures.MARK_GEN._config = None  # only checks marker names, with --strict-markers
    util._config = None
    util._reprcompare = None
    util._assertion_pass = None


def checkout_folders() -> list[str]:
    """With an editable install the package lives in a repository checkout: its other folders
    (``.git``, ``tests``, ``solutions``, ``benchmarks``...) are the instructor's, and the child's
    view hides them (folders that hold something the child needs, like a virtual environment
    inside the checkout, are made read-only instead)."""
    import autograder

    package = os.path.dirname(os.path.realpath(autograder.__file__))
    root = os.path.dirname(package)
    if not (os.path.exists(os.path.join(root, "pyproject.toml")) or os.path.exists(os.path.join(root, ".git"))):
        return []
    keep = {os.path.basename(package), "assignments"}
    try:
        names = os.listdir(root)
    except OSError:
        return []
    return [os.path.join(root, n) for n in sorted(names) if n not in keep and os.path.isdir(os.path.join(root, n))]


def _preimport() -> None:
    """Load what the suites and the plugin would otherwise import during a test."""
    import concurrent.futures  # noqa: F401
    import multiprocessing  # noqa: F401
    import multiprocessing.pool  # noqa: F401
    import queue  # noqa: F401
    import statistics  # noqa: F401
    import tempfile  # noqa: F401

    import faker  # noqa: F401 - its providers load from site-packages, ahead of the submission's folder


def _suites(args: list[str]) -> list[str]:
    return [a.split("::", 1)[0] for a in args if "::" in a]


def prepare(config: dict[str, Any]) -> Watch:
    """Before student code: import what the grader needs, then install the audit hook."""
    args = [str(a) for a in config.get("args", [])]
    work = str(config.get("cwd") or os.getcwd())
    roots = [work]
    if "--ag-submission" in args:
        roots.append(args[args.index("--ag-submission") + 1])
    if "--rootdir" in args:
        roots.append(args[args.index("--rootdir") + 1])
    _preimport()
    own = guard.student_modules(work)
    secrets = guard.secret_paths(_suites(args))
    drain = guard.install(roots, secrets)
    suites = {os.path.realpath(s) for s in _suites(args)}
    suites |= {os.path.join(os.path.dirname(s), "conftest.py") for s in suites}
    # a course folder's suites live in a package of the instructor's (course/exercises/<name>/): its
    # modules are the grader's too, not stand-ins
    packages = set()
    for suite in suites:
        folder = os.path.dirname(suite)
        while os.path.isfile(os.path.join(folder, "__init__.py")) and os.path.isfile(
                os.path.join(os.path.dirname(folder), "__init__.py")):
            folder = os.path.dirname(folder)
        if os.path.isfile(os.path.join(folder, "__init__.py")):
            packages.add(folder.rstrip(os.sep) + os.sep)
    trusted = guard.trusted_prefixes() + tuple(sorted(packages))
    return Watch(drain, tuple(roots), own, tuple(secrets), trusted, frozenset(suites),
                 _prefixes=guard.root_prefixes(roots), linecache_filter=keep_out_of_linecache(tuple(secrets)))
