"""boto 2: the legacy SDK, which signs every version itself (SigV4, SigV2, HmacV1, SigV3).

Signing times: ``datetime.datetime.utcnow()`` (SigV4 headers and presigned
URLs) and ``formatdate()`` (the ``Date`` of SigV2, HmacV1 and SigV3) in
``boto.auth``, ``boto.utils.get_ts()`` (SigV2 query ``Timestamp``). Expiries
AWS compares: S3's presigned URLs and POST forms, CloudFront's signed URLs,
SWF's default ``oldest_date``; the credentials' and STS tokens' expiry, and
EC2's snapshot trimming against AWS's snapshot times. Everything else in
boto reads the program's own time on purpose (below). Its HTTP is
``http.client`` with the standard library's ``ssl``: the TLS check reaches
it. boto 2 does not import on Python 3.12 and newer (``imp``). Never
imported here.
"""

from __future__ import annotations

from libfaketimefs_botocore import stand_ins
from libfaketimefs_botocore.points import DURATION, NAME, TEST_HELPER, OnPurpose, WrapPoint

AUDITED = ("boto",)
WATCHED = ("boto",)

WRAP_POINTS = (
    WrapPoint(
        "boto.auth",
        "datetime",
        "boto's SigV4 X-Amz-Date and presigned URLs: datetime.datetime.utcnow()",
        stand_ins.SigningDatetimeModule,
    ),
    WrapPoint(
        "boto.auth",
        "formatdate",
        "boto's SigV2, HmacV1 and SigV3 Date: formatdate()",
        stand_ins.Formatdate,
    ),
    WrapPoint(
        "boto.utils",
        "time",
        "boto's SigV2 query Timestamp: get_ts(), time.gmtime()",
        stand_ins.RealtimeTimeModule,
    ),
    WrapPoint(
        "boto.s3.connection",
        "time",
        "boto's S3 presigned URLs' and POST forms' expiry: time.time()",
        stand_ins.RealtimeTimeModule,
    ),
    WrapPoint(
        "boto.cloudfront.distribution",
        "time",
        "boto's CloudFront signed URLs' default expiry: time.time()",
        stand_ins.RealtimeTimeModule,
    ),
    WrapPoint(
        "boto.swf.layer2",
        "time",
        "boto's SWF listings' default oldest_date (and workflow ids): time.time()",
        stand_ins.RealtimeTimeModule,
    ),
    WrapPoint(
        "boto.provider",
        "datetime",
        "boto's credential expiry: datetime.utcnow(), datetime.now()",
        stand_ins.RealtimeDatetimeClass,
    ),
    WrapPoint(
        "boto.sts.credentials",
        "datetime",
        "boto's STS credentials' expiry: datetime.datetime.utcnow()",
        stand_ins.RealtimeDatetimeModule,
    ),
    WrapPoint(
        "boto.sts.connection",
        "datetime",
        "boto's cache of STS session tokens: datetime.datetime.utcnow()",
        stand_ins.RealtimeDatetimeModule,
    ),
    WrapPoint(
        "boto.ec2.connection",
        "datetime",
        "boto's EC2 snapshot trimming, against AWS's snapshot times: datetime.utcnow()",
        stand_ins.RealtimeDatetimeClass,
    ),
    WrapPoint(
        "boto.manage.volume",
        "datetime",
        "boto's volume snapshot trimming, against AWS's snapshot times: datetime.datetime.now()",
        stand_ins.RealtimeDatetimeModule,
    ),
)

_PROGRAM = "the program's own time, which AWS does not compare with its clock"
ON_PURPOSE = (
    OnPurpose("boto.connection", "*", "*", DURATION),
    OnPurpose("boto.dynamodb.layer1", "*", "*", DURATION),
    OnPurpose("boto.requestlog", "*", "*", "a log line's time stamp: " + _PROGRAM),
    OnPurpose("boto.services.*", "*", "*", NAME),
    OnPurpose("boto.pyami.*", "*", "*", NAME),
    OnPurpose("boto.manage.task", "*", "*", "a task's schedule: " + _PROGRAM),
    OnPurpose("boto.utils", "*", "email.utils.formatdate", "an e-mail's Date: " + _PROGRAM),
    OnPurpose("boto.sdb.db.test_db", "*", "*", TEST_HELPER),
    OnPurpose(
        "boto.sdb.db.*", "*", "*", "a value the program stores (auto_now, a sequence): " + _PROGRAM
    ),
    OnPurpose(
        "boto.mturk.connection",
        "*",
        "*",
        "a HIT's expiry in Mechanical Turk's legacy API, which AWS retired in 2019",
    ),
)
