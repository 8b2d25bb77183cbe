"""aioaws: S3, SES and SNS on httpx, signed by its own SigV4 code.

Every signing time, and the expiry it writes into a POST policy (its time
plus 30 minutes), is ``utcnow()`` in ``aioaws._utils``, which reads
``datetime.now(tz=utc)`` (before 0.15 ``upload()`` read ``datetime.utcnow()``
in ``aioaws.s3`` for that expiry). The client keeps its endpoint
(``AwsClient.endpoint``). It speaks HTTPS only, through httpx and the
standard library's ``ssl``: the TLS check reaches it. Never imported here.
"""

from __future__ import annotations

from typing import Any

from libfaketimefs_botocore import stand_ins
from libfaketimefs_botocore.points import OnPurpose, WrapPoint

AUDITED = ("aioaws",)
WATCHED = ("aioaws",)


def _endpoint(client: Any, *args: Any, **kwargs: Any) -> str:
    return str(client.endpoint)


def _s3_endpoint(client: Any, *args: Any, **kwargs: Any) -> str:
    return str(client._aws_client.endpoint)


WRAP_POINTS = (
    WrapPoint(
        "aioaws._utils",
        "datetime",
        "aioaws's signing times and POST policies' expiry: utcnow(), datetime.now(tz=utc)",
        stand_ins.SigningDatetimeClass,
    ),
    WrapPoint(
        "aioaws.s3",
        "datetime",
        "aioaws's upload()'s POST policy expiry before 0.15: datetime.utcnow()",
        stand_ins.SigningDatetimeClass,
    ),
    WrapPoint(
        "aioaws.core",
        "AwsClient.request",
        "aioaws's signatures: the endpoint they are for",
        stand_ins.signing_by(_endpoint),
    ),
    WrapPoint(
        "aioaws.core",
        "AwsClient.add_signed_download_params",
        "aioaws's presigned URLs: the endpoint they are for",
        stand_ins.signing_by(_endpoint),
    ),
    WrapPoint(
        "aioaws.s3",
        "S3Client.signed_upload_url",
        "aioaws's POST policies: the endpoint they are for",
        stand_ins.signing_by(_s3_endpoint),
    ),
)
ON_PURPOSE: tuple[OnPurpose, ...] = ()
