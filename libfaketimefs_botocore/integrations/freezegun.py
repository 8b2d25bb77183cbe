"""freezegun: its ``stop()`` puts back every module attribute it swapped, stand-ins included.

Not a clock read: a stand-in installed during a freeze, for a ``from
datetime import datetime`` binding, stood for freezegun's class, and
``stop()`` puts the real class back over it, so the wrap points are wrapped
again after it. Signs nothing: nothing to audit or watch. Never imported here.
"""

from __future__ import annotations

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


WRAP_POINTS = (
    WrapPoint(
        "freezegun.api",
        "_freeze_time.stop",
        "freezegun's stop(): the stand-ins installed during the freeze, installed again",
        stop,
    ),
)
ON_PURPOSE: tuple[OnPurpose, ...] = ()
