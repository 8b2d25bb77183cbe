"""aws-requests-auth: ``AWSRequestsAuth``, SigV4 on top of ``requests``. Never imported here."""

from __future__ import annotations

from libfaketimefs_botocore import stand_ins
from libfaketimefs_botocore.points import OnPurpose, WrapPoint

AUDITED = ("aws_requests_auth",)
WATCHED = ("aws_requests_auth",)

WRAP_POINTS = (
    WrapPoint(
        "aws_requests_auth.aws_auth",
        "datetime",
        "aws-requests-auth's X-Amz-Date: datetime.datetime.utcnow()",
        stand_ins.SigningDatetimeModule,
    ),
    WrapPoint(
        "aws_requests_auth.aws_auth",
        "AWSRequestsAuth.__call__",
        "aws-requests-auth's signatures: the endpoint they are for",
        stand_ins.signs_prepared_request,
    ),
)
ON_PURPOSE: tuple[OnPurpose, ...] = ()
