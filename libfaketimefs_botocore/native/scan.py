"""The loaded shared objects that belong to a package: found by where they were loaded from.

An integration names its packages, not its objects, whose names move
between releases (pyarrow 26 moved its S3 code into ``libarrow_s3``): every
object loaded from a package's folder, or from the ``.libs`` folder its
wheel's repair tool put beside it, is the package's.

Two ways to find the folders. :func:`imported_roots` reads ``sys.modules``
only: it is what the import hooks use, since code that runs inside an import
must not re-enter the import system (a package not imported yet has loaded
nothing). :func:`roots` finds installed packages with
``importlib.util.find_spec`` (imports nothing, but takes the import lock): for
``check`` and the audit, outside any import.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterable

from libfaketimefs_botocore.native import loaded


def roots(packages: tuple[str, ...]) -> tuple[str, ...]:
    """The folders (or, for a module that is one file, the file) of each installed package."""
    found: list[str] = []
    for package in packages:
        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            continue
        if spec is not None:
            found += _places(package, spec.submodule_search_locations, spec.origin)
    return tuple(dict.fromkeys(found))


def imported_roots(packages: Iterable[str]) -> tuple[str, ...]:
    """As :func:`roots`, for the packages in ``sys.modules`` (a package still initialising
    included): never calls into the import system."""
    found: list[str] = []
    for package in packages:
        module = sys.modules.get(package)
        if module is None:
            continue
        spec = getattr(module, "__spec__", None)
        search = getattr(spec, "submodule_search_locations", None)
        if search is None:
            search = getattr(module, "__path__", None)
        origin = getattr(spec, "origin", None) or getattr(module, "__file__", None)
        found += _places(package, search, origin)
    return tuple(dict.fromkeys(found))


def _places(package: str, search: Iterable[str] | None, origin: str | None) -> list[str]:
    places = [p for p in (search or ()) if isinstance(p, str)]
    if not places and isinstance(origin, str) and os.path.isabs(origin):
        places = [origin]
    found = []
    for place in places:
        real = os.path.realpath(place)
        found.append(real)
        beside = os.path.join(os.path.dirname(real), f"{package}.libs")
        if os.path.isdir(beside):
            found.append(beside)
    return found


_real: dict[str, str] = {}  # an object's path as loaded -> its real path


def belongs(path: str, places: tuple[str, ...]) -> bool:
    real = _real.get(path)
    if real is None:
        real = _real[path] = os.path.realpath(path)
    return any(real == place or real.startswith(place + os.sep) for place in places)


def objects_of(packages: tuple[str, ...]) -> list[loaded.LoadedObject]:
    """The loaded objects of ``packages``, in the order they were loaded."""
    places = roots(packages)
    if not places:
        return []
    return [o for o in loaded.objects() if belongs(o.path, places)]
