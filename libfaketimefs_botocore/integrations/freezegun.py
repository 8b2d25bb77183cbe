"""freezegun: how its sweep of module attributes meets the stand-ins, at ``start()`` and ``stop()``.

Not clock reads. A stand-in installed during a freeze, for a ``from datetime
import datetime`` binding, stood for freezegun's class, and ``stop()`` puts
the real class back over it, so the wrap points are wrapped again after it.
And freezegun caches each module's attributes by their names, not their
values: a module it had swept before its binding got a stand-in would have
the stand-in swapped for freezegun's class at the next ``start()``, from the
stale cache, and signed with the fake time throughout that freeze. So the
cache forgets the modules with stand-ins before each start. Signs nothing:
nothing to audit or watch. Never imported here.
"""

from __future__ import annotations

import sys
from typing import Any, Callable

from libfaketimefs_botocore import wrapping
from libfaketimefs_botocore.points import OnPurpose, WrapPoint
from libfaketimefs_botocore.stand_ins import RealtimeMethod

AUDITED: tuple[str, ...] = ()
WATCHED: tuple[str, ...] = ()


def _wrap_again_after(
    wrapped: Callable[..., None], instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    wrapped(*args, **kwargs)
    wrapping.wrap_imported()


def stop(original: Any) -> RealtimeMethod:
    """freezegun's ``_freeze_time.stop``."""
    return RealtimeMethod(original, _wrap_again_after)


def _forget_stale_attributes(
    wrapped: Callable[..., Any], instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    cache = getattr(sys.modules.get("freezegun.api"), "_GLOBAL_MODULES_CACHE", None)
    if isinstance(cache, dict):
        for name in wrapping.modules():
            cache.pop(name, None)
    return wrapped(*args, **kwargs)


def start(original: Any) -> RealtimeMethod:
    """freezegun's ``_freeze_time.start``."""
    return RealtimeMethod(original, _forget_stale_attributes)


WRAP_POINTS = (
    WrapPoint(
        "freezegun.api",
        "_freeze_time.start",
        "freezegun's start(): its cache of module attributes forgets the modules with stand-ins",
        start,
    ),
    WrapPoint(
        "freezegun.api",
        "_freeze_time.stop",
        "freezegun's stop(): the stand-ins installed during the freeze, installed again",
        stop,
    ),
)
ON_PURPOSE: tuple[OnPurpose, ...] = ()
