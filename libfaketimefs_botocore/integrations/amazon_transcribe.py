"""amazon-transcribe: Transcribe streaming's own event signer (its events' ``:date``).

Never imported here.
"""

from __future__ import annotations

from libfaketimefs_botocore import stand_ins
from libfaketimefs_botocore.points import OnPurpose, WrapPoint

AUDITED = ("amazon_transcribe",)
WATCHED = ("amazon_transcribe",)

WRAP_POINTS = (
    WrapPoint(
        "amazon_transcribe.eventstream",
        "datetime",
        "amazon-transcribe's event :date (EventSigner's _utc_now, bound at its creation): "
        "datetime.datetime.now(timezone.utc)",
        stand_ins.SigningDatetimeModule,
    ),
)
ON_PURPOSE = (
    OnPurpose(
        "amazon_transcribe.utils",
        "apply_realtime_delay",
        "time.time",
        "paces an audio file's chunks as a live stream would send them: the time elapsed "
        "between two reads of the same clock, never sent",
    ),
)
