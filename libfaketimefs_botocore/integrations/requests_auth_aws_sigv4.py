"""requests-auth-aws-sigv4: ``AWSSigV4``, SigV4 on top of ``requests``. Never imported here.

It imports boto3 when it can, for credentials; its own signature is its own.
"""

from __future__ import annotations

from libfaketimefs_botocore import stand_ins
from libfaketimefs_botocore.points import OnPurpose, WrapPoint

AUDITED = ("requests_auth_aws_sigv4",)
WATCHED = ("requests_auth_aws_sigv4",)

WRAP_POINTS = (
    WrapPoint(
        "requests_auth_aws_sigv4",
        "datetime",
        "requests-auth-aws-sigv4's X-Amz-Date: datetime.datetime.utcnow()",
        stand_ins.SigningDatetimeModule,
    ),
    WrapPoint(
        "requests_auth_aws_sigv4",
        "AWSSigV4.__call__",
        "requests-auth-aws-sigv4's signatures: the endpoint they are for",
        stand_ins.signs_prepared_request,
    ),
)
ON_PURPOSE: tuple[OnPurpose, ...] = ()
