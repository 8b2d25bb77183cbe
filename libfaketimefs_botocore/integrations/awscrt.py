"""awscrt's own signer: an ``AwsSigningConfig`` given no date gets one in Python, then C signs.

botocore's CRT signers give their own date (botocore's integration); boto3's
and the AWS CLI's CRT transfer clients are steered away in theirs. Where
libfaketime is preloaded and the library is on for good, ``_awscrt``'s
imports of the C clock are pointed at the C library's own
(:mod:`..native`). Never imported here.
"""

from __future__ import annotations

from libfaketimefs_botocore import stand_ins
from libfaketimefs_botocore.points import (
    TEST_HELPER,
    NativeObject,
    OnPurpose,
    Unreached,
    WrapPoint,
)

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
# Its own C code (the S3 client's signatures, its TLS, s2n) reads the C clock through
# _awscrt's imports: redirected for good, measured to bring both to the real time.
NATIVE = (
    NativeObject(
        "_awscrt",
        ("_awscrt", "awscrt"),
        "awscrt's S3 client's signatures, its own TLS (s2n) and its event loop's timers",
    ),
)
UNREACHED = (
    Unreached(
        "awscrt",
        "with the library on only for a block (realtime_signing()), its own TLS and S3 client "
        "keep the FAKED clock under libfaketime",
        "native code's clock imports are redirected only when the library is on for good; "
        "boto3's and the AWS CLI's transfers are steered away from its S3 client meanwhile",
    ),
)
