"""awscrt's own signer: an ``AwsSigningConfig`` given no date gets one in Python, then C signs.

botocore's CRT signers give their own date (botocore's integration); boto3's
and the AWS CLI's CRT transfer clients are steered away in theirs. Never
imported here.
"""

from __future__ import annotations

from libfaketimefs_botocore import stand_ins
from libfaketimefs_botocore.points import TEST_HELPER, OnPurpose, Unreached, WrapPoint

AUDITED = ("awscrt",)
WATCHED = ("awscrt",)

WRAP_POINTS = (
    WrapPoint(
        "awscrt.auth",
        "datetime",
        "awscrt's AwsSigningConfig default date: datetime.datetime.now(timezone.utc)",
        stand_ins.SigningDatetimeModule,
    ),
)
ON_PURPOSE = (OnPurpose("awscrt._test", "*", "time.time", TEST_HELPER),)
UNREACHED = (
    Unreached(
        "awscrt",
        "its own TLS (s2n) and its S3 client's signatures use the FAKED clock under libfaketime",
        "both read the C clock in C; boto3's and the AWS CLI's transfers are steered away from "
        "its S3 client",
    ),
)
