"""minio: MinIO's SDK, which signs SigV4 itself (and is used against AWS S3 too).

Every signing time is ``minio.time.utcnow()`` (the headers, presigned URLs,
its STS requests) or ``datetime.utcnow()`` in ``minio.datatypes`` (the POST
policy's date); credential expiry is ``datetime.utcnow()`` in
``minio.credentials.credentials``. The client keeps its endpoint
(``Minio._base_url``), so the host signed for is the instance's to tell. Its
HTTP is urllib3 with the standard library's ``ssl``: the TLS check reaches
it. A POST policy's expiry is the caller's (``PostPolicy(bucket,
expiration)``): take it from :func:`libfaketimefs_botocore.real_time`.
Never imported here.
"""

from __future__ import annotations

from typing import Any

from libfaketimefs_botocore import stand_ins
from libfaketimefs_botocore.points import NAME, OnPurpose, WrapPoint

AUDITED = ("minio",)
WATCHED = ("minio",)


def _url(client: Any, host: str) -> str:
    return ("https://" if client._base_url.is_https else "http://") + host


def _headers_host(client: Any, host: str, *args: Any, **kwargs: Any) -> str:
    # The request's own host (a bucket's virtual host on AWS), with the client's scheme.
    return _url(client, host)


def _client(client: Any, *args: Any, **kwargs: Any) -> str:
    return _url(client, str(client._base_url.host))


WRAP_POINTS = (
    WrapPoint(
        "minio.time",
        "datetime",
        "minio's signing times (headers, presigned URLs, its STS requests): "
        "utcnow(), datetime.now(UTC)",
        stand_ins.SigningDatetimeClass,
    ),
    WrapPoint(
        "minio.datatypes",
        "datetime",
        "minio's POST policy date: datetime.utcnow()",
        stand_ins.SigningDatetimeClass,
    ),
    WrapPoint(
        "minio.credentials.credentials",
        "datetime",
        "minio's credential expiry: datetime.utcnow()",
        stand_ins.RealtimeDatetimeClass,
    ),
    WrapPoint(
        "minio.api",
        "Minio._build_headers",
        "minio's signatures: the endpoint they are for",
        stand_ins.signing_by(_headers_host),
    ),
    WrapPoint(
        "minio.api",
        "Minio.get_presigned_url",
        "minio's presigned URLs: the endpoint they are for",
        stand_ins.signing_by(_client),
    ),
    WrapPoint(
        "minio.api",
        "Minio.presigned_post_policy",
        "minio's POST policies: the endpoint they are for",
        stand_ins.signing_by(_client),
    ),
)
ON_PURPOSE = (
    OnPurpose(
        "minio.credentials.providers",
        "WebIdentityClientGrantsProvider.retrieve",
        "time.time",
        "the role session name when none is given: " + NAME,
    ),
    OnPurpose(
        "minio.api",
        "Minio.upload_snowball_objects",
        "*",
        "a tar member's modification time where the object has none: the program's "
        "own time, which AWS keeps without comparing",
    ),
)
