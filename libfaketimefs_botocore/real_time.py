"""``real_time()``: the real time for the program's own arithmetic against AWS.

Signatures and expiry checks are the library's; some times are the
program's to compute and AWS's to judge: an S3 Object Lock retain-until date,
a POST policy's absolute expiration, a CloudWatch metric's or log event's
time stamp (refused, or dropped without an error, beyond two hours ahead or
14 days behind AWS's clock). Under a faked clock a program computes them
from the fake time; from here, from the real time, as time-machine's
``escape_hatch`` offers. Public API: reads the clock and the endpoint offsets.
"""

from __future__ import annotations

import datetime

from libfaketimefs_botocore import clock
from libfaketimefs_botocore.clock import endpoint_offsets
from libfaketimefs_botocore.clock.real_datetime import Real


def real_time(endpoint_url: str | None = None) -> datetime.datetime:
    """The real time, an aware UTC datetime, from the source signatures are made with.

    The realtime file named by ``FAKETIME_REALTIME_FILE`` when it is set, else
    the kernel's clock; no faker here reaches either. With ``endpoint_url``,
    that endpoint's clock as its refusals revealed it (the real time when none
    did), as signatures for it are dated. Whether or not real-time signing is
    on. Raises :class:`RealtimeError` when the file is broken or there is no
    source of the real time, never the fake time instead.
    """
    seconds = clock.required("real_time() reads the real time")
    return Real.datetime.fromtimestamp(
        seconds + endpoint_offsets.offset_for(endpoint_url), datetime.timezone.utc
    )
