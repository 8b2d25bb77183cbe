"""Installing stand-ins at wrap points: post-import hooks, each module's own binding.

Each module's own binding is wrapped (``from x import f`` copies the name),
from a post-import hook, so the order of imports and the patch does not
matter. The points are the integrations' (the installer hands them over);
this module knows no library. Imports the stand-ins' types and plain data.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any, cast

import wrapt

from libfaketimefs_botocore.points import WrapPoint
from libfaketimefs_botocore.stand_ins import STAND_IN_TYPES

_install_lock = threading.Lock()
# The installed points by module, set once, under the lock, before any hook can run.
_by_module: dict[str, tuple[WrapPoint, ...]] = {}
_registered = False


def install(points: Sequence[WrapPoint]) -> None:
    """Register the post-import hooks that wrap ``points``. Idempotent and cheap."""
    global _by_module, _registered
    if _registered:
        return
    with _install_lock:
        if _registered:
            return
        by_module: dict[str, list[WrapPoint]] = {}
        for point in points:
            by_module.setdefault(point.module, []).append(point)
        _by_module = {name: tuple(them) for name, them in by_module.items()}
        for name in _by_module:
            # Runs at once for a module already imported, else on its import.
            wrapt.register_post_import_hook(_wrap_module, name)
        _registered = True


def modules() -> tuple[str, ...]:
    """The modules of the installed points (none before install())."""
    return tuple(_by_module)


def wrap_imported() -> None:
    """Wrap every installed point of the modules imported now, where its stand-in is missing."""
    for name in _by_module:
        module = sys.modules.get(name)
        if module is not None:
            _wrap_module(module)


def _wrap_module(module: ModuleType) -> None:
    for point in _by_module.get(module.__name__, ()):
        binding = _binding(module, point.name)
        if binding is _MISSING or _is_wrapped(binding) or not _applies(point, module):
            continue
        # wrapt calls the factory with the original binding.
        wrapt.wrap_object(module, point.name, cast(Any, point.stand_in))


_MISSING = object()


def _applies(point: WrapPoint, module: ModuleType) -> bool:
    return point.applies(lambda name: hasattr(module, name))


def _binding(module: ModuleType, name: str) -> object:
    """``module.name``, or ``module.Class.method`` as the class itself holds it."""
    *path, last = name.split(".")
    owner: object = module
    for part in path:
        owner = getattr(owner, part, _MISSING)
        if owner is _MISSING:
            return _MISSING
    if isinstance(owner, type):
        # From the class's own namespace: a method it only inherits belongs
        # to its base's table, and attribute access would bind a wrapper.
        return vars(owner).get(last, _MISSING)
    return getattr(owner, last, _MISSING)


def _is_wrapped(value: object) -> bool:
    return isinstance(value, STAND_IN_TYPES)


@dataclass(frozen=True)
class PointStatus:
    point: WrapPoint
    status: str  # "wrapped", "not wrapped", "not imported", "not in this release"


def statuses(points: Sequence[WrapPoint]) -> list[PointStatus]:
    """What each of ``points`` looks like in this process, for ``check``."""
    result = []
    for point in points:
        module = sys.modules.get(point.module)
        binding = _MISSING if module is None else _binding(module, point.name)
        if module is None:
            status = "not imported"
        elif binding is _MISSING or not _applies(point, module):
            status = "not in this release"
        elif _is_wrapped(binding):
            status = "wrapped"
        else:
            status = "not wrapped"
        result.append(PointStatus(point, status))
    return result
