"""The loaded shared objects that belong to a package: found by where they were loaded from.

An integration names its packages, not its objects, whose names move
between releases (pyarrow 26 moved its S3 code into ``libarrow_s3``): every
object loaded from a package's folder, or from the ``.libs`` folder its
wheel's repair tool put beside it, is the package's. Looking for the
folders imports nothing.
"""

from __future__ import annotations

import importlib.util
import os

from libfaketimefs_botocore.native import loaded


def roots(packages: tuple[str, ...]) -> tuple[str, ...]:
    """The folders (or, for a module that is one file, the file) of each installed package."""
    found: list[str] = []
    for package in packages:
        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            continue
        if spec is None:
            continue
        places = list(spec.submodule_search_locations or ())
        if not places and spec.origin:
            places = [spec.origin]
        for place in places:
            found.append(os.path.realpath(place))
            beside = os.path.join(os.path.dirname(os.path.realpath(place)), f"{package}.libs")
            if os.path.isdir(beside):
                found.append(beside)
    return tuple(dict.fromkeys(found))


def belongs(path: str, places: tuple[str, ...]) -> bool:
    real = os.path.realpath(path)
    return any(real == place or real.startswith(place + os.sep) for place in places)


def objects_of(packages: tuple[str, ...]) -> list[loaded.LoadedObject]:
    """The loaded objects of ``packages``, in the order they were loaded."""
    places = roots(packages)
    if not places:
        return []
    return [o for o in loaded.objects() if belongs(o.path, places)]
