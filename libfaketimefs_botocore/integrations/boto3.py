"""boto3: its choice of the CRT transfer manager, which signs in C with the process clock.

Everything else boto3 signs, it signs through botocore. boto3 is never
imported by this module.
"""

from __future__ import annotations

from typing import Any

from libfaketimefs_botocore.points import OnPurpose, WrapPoint
from libfaketimefs_botocore.stand_ins import RealtimeFunction, debug_once
from libfaketimefs_botocore.state.switch import SWITCH

AUDITED = ("boto3",)
WATCHED: tuple[str, ...] = ()  # it imports botocore


class ShouldUseCrt(RealtimeFunction):
    """boto3's choice of the CRT transfer manager, which signs in C with the process clock.

    Its classic transfer manager signs through botocore. boto3 is asked
    first, so that its own errors (awscrt missing) still surface.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> bool:
        use_crt: bool = self.__wrapped__(*args, **kwargs)
        if not (use_crt and SWITCH.on):
            return use_crt
        debug_once(
            "boto3's CRT transfer manager signs with the process clock: using its classic "
            "transfer manager while real-time signing is on"
        )
        return False


WRAP_POINTS = (
    WrapPoint(
        "boto3.s3.transfer",
        "_should_use_crt",
        "S3 transfers: the CRT transfer manager signs in C with the process clock; "
        "the classic one is used while the switch is on",
        ShouldUseCrt,
    ),
)
ON_PURPOSE: tuple[OnPurpose, ...] = ()
