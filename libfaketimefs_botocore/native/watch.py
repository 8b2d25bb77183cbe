"""After each import of a module of the named packages, a call: objects loaded since are found.

A package loads shared objects with its submodules, not only at its own
import (pyarrow loads ``libarrow_s3`` with ``pyarrow.fs``), and a signature
can follow the import at once. A finder first in ``sys.meta_path`` asks the
finders after it, in order, as the import system itself would, and wraps
the loader of the spec one returns, so that ``after()`` runs once the module
has been executed, before the importer gets it; the module keeps its own
loader. As wrapt's post-import hooks do, for a family of names instead of
one. Whatever ``after()`` raises is dropped: the import stands.

The finder never re-enters the import system: the import machinery calls it
holding its global lock, and ``importlib.util.find_spec()`` would wait there
on the module lock of a parent that another thread is still importing, while
that thread waits on the global lock (every run, under two threads importing
``pyarrow`` and ``pyarrow.fs``; Python's deadlock detection does not see it).
Failure mode: a finder after this one that itself re-enters the import
system keeps its own risks; this one adds none.
Measured cost: the finders' own search, plus one ``dl_iterate_phdr`` call
(a few microseconds) per import of a watched module.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any, Callable


class _Loader:
    def __init__(self, loader: Any, after: Callable[[], None]) -> None:
        self.loader = loader
        self.after = after

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        create: Callable[[ModuleSpec], ModuleType | None] | None = getattr(
            self.loader, "create_module", None
        )
        return None if create is None else create(spec)

    def exec_module(self, module: ModuleType) -> None:
        module.__loader__ = self.loader
        if module.__spec__ is not None:
            module.__spec__.loader = self.loader
        self.loader.exec_module(module)
        # The import itself succeeded: nothing of ours may fail it (after() reports its own).
        with contextlib.suppress(Exception):
            self.after()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.loader, name)


class Finder:
    """Wraps the loaders of the modules whose top-level name is in ``packages``."""

    def __init__(self, packages: Sequence[str], after: Callable[[], None]) -> None:
        self.packages = frozenset(packages)
        self.after = after
        self._busy = threading.local()

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        # A finder after this one that calls importlib.util.find_spec() comes back here:
        # it gets the plain answer, so that a loader is wrapped once.
        if fullname.partition(".")[0] not in self.packages or getattr(self._busy, "on", False):
            return None
        self._busy.on = True
        try:
            spec = self._find_after(fullname, path, target)
        finally:
            self._busy.on = False
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        spec.loader = _Loader(spec.loader, self.after)  # type: ignore[assignment]
        return spec

    def _find_after(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None
    ) -> ModuleSpec | None:
        """The spec the finders after this one give, as the import system asks them."""
        finders = list(sys.meta_path)
        start = next((i + 1 for i, finder in enumerate(finders) if finder is self), len(finders))
        for finder in finders[start:]:
            find = getattr(finder, "find_spec", None)
            if find is None:
                continue
            spec: ModuleSpec | None = find(fullname, path, target)
            if spec is not None:
                return spec
        return None


def install(packages: Sequence[str], after: Callable[[], None]) -> Finder:
    finder = Finder(packages, after)
    sys.meta_path.insert(0, finder)
    return finder
