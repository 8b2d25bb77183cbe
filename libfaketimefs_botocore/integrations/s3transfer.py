"""s3transfer, boto3's and the AWS CLI's transfer manager: it signs through botocore.

No wrap point of its own; the audit reads it (standalone, and as the AWS CLI
vendors it), and one read is left alone.
"""

from __future__ import annotations

from libfaketimefs_botocore.points import DURATION, OnPurpose, WrapPoint

AUDITED = ("s3transfer",)
WATCHED: tuple[str, ...] = ()  # it imports botocore
WRAP_POINTS: tuple[WrapPoint, ...] = ()
ON_PURPOSE = (OnPurpose("s3transfer.bandwidth", "TimeUtils.time", "time.time", DURATION),)
