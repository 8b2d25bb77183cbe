"""s3cmd: the command, whose modules are the top-level package ``S3``.

Signing times: ``datetime.datetime.utcnow()`` in ``S3.Crypto`` (SigV4) and
``time.gmtime()`` in ``S3.S3`` and ``S3.CloudFront`` (SigV2 ``x-amz-date``);
``signurl``'s expiry is ``time.time()`` in ``S3.Utils``; an IAM role's
credentials are refreshed by ``datetime.datetime.now()`` in ``S3.Config``.
``S3.S3``'s transfer timings read the same ``time`` module: under the stand-in
both ends of each are real, so a duration stays one. Its HTTP is
``http.client`` with the standard library's ``ssl``: the TLS check reaches it.
Never imported here.
"""

from __future__ import annotations

from libfaketimefs_botocore import stand_ins
from libfaketimefs_botocore.points import DURATION, NAME, OnPurpose, WrapPoint

AUDITED = ("S3",)
WATCHED = ("S3",)

WRAP_POINTS = (
    WrapPoint(
        "S3.Crypto",
        "datetime",
        "s3cmd's SigV4 x-amz-date: datetime.datetime.utcnow()",
        stand_ins.SigningDatetimeModule,
    ),
    WrapPoint(
        "S3.S3",
        "time",
        "s3cmd's SigV2 x-amz-date: time.gmtime() (and its transfer timings)",
        stand_ins.RealtimeTimeModule,
    ),
    WrapPoint(
        "S3.CloudFront",
        "time",
        "s3cmd's CloudFront x-amz-date: time.gmtime()",
        stand_ins.RealtimeTimeModule,
    ),
    WrapPoint(
        "S3.Utils",
        "time",
        "s3cmd's signurl expiry (+seconds): time.time()",
        stand_ins.RealtimeTimeModule,
    ),
    WrapPoint(
        "S3.Config",
        "datetime",
        "s3cmd's IAM role credentials' refresh: datetime.datetime.now()",
        stand_ins.RealtimeDatetimeModule,
    ),
)
ON_PURPOSE = (
    OnPurpose("S3.Progress", "*", "*", DURATION),
    OnPurpose("S3.ConnMan", "*", "*", DURATION),  # a pooled connection's idle time
    OnPurpose("S3.Config", "*", "time.time", "the role session name: " + NAME),
    OnPurpose("S3.CloudFront", "InvalidationBatch.__init__", "*", "an invalidation's " + NAME),
)
