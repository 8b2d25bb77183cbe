"""snowflake-connector-python 4.x: its own SigV4 S3 client for a stage's files (sync and aio).

Each request's ``x-amz-date`` is ``datetime.now(timezone.utc)``, read in
``snowflake.connector.s3_storage_client`` and its ``aio`` twin (in later 4.x
releases). The stage's
temporary credentials are Snowflake's to renew (on S3's ``ExpiredToken``).
Everything else the connector reads the clock for is Snowflake's own service
(login, OCSP and CRL checks, telemetry) or Azure's and Google's storage, not
AWS. Its HTTP is a vendored requests with pyOpenSSL (see the TLS check's
pyOpenSSL part). 5.x signs in Rust and is not reached (docs/limitations.md).
Never imported here.
"""

from __future__ import annotations

from libfaketimefs_botocore import stand_ins
from libfaketimefs_botocore.points import DURATION, NativeObject, OnPurpose, WrapPoint

AUDITED = ("snowflake.connector",)
WATCHED = ("snowflake",)


def _url(url: str, *args: object, **kwargs: object) -> str:
    return url


_SYNC = "snowflake.connector.s3_storage_client"
_AIO = "snowflake.connector.aio._s3_storage_client"
WRAP_POINTS = (
    WrapPoint(
        _SYNC,
        "datetime",
        "Snowflake's S3 stage client's x-amz-date: datetime.now(timezone.utc)",
        stand_ins.SigningDatetimeClass,
    ),
    WrapPoint(
        _SYNC,
        "SnowflakeS3RestClient._send_request_with_authentication_and_retry",
        "Snowflake's S3 stage client's signatures: the endpoint they are for",
        stand_ins.signing_for(_url),
    ),
    # Later 4.x releases sign in this one, after following a redirect to another region.
    WrapPoint(
        _SYNC,
        "SnowflakeS3RestClient._send_single_request_with_authentication",
        "Snowflake's S3 stage client's signatures after a redirect: the endpoint they are for",
        stand_ins.signing_for(_url),
    ),
    WrapPoint(
        _AIO,
        "datetime",
        "Snowflake's async S3 stage client's x-amz-date: datetime.now(timezone.utc)",
        stand_ins.SigningDatetimeClass,
    ),
    WrapPoint(
        _AIO,
        "SnowflakeS3RestClient._send_request_with_authentication_and_retry",
        "Snowflake's async S3 stage client's signatures: the endpoint they are for",
        stand_ins.signing_for(_url),
    ),
)
_NOT_AWS = (
    "Snowflake's own service (login, tokens, OCSP and CRL checks and caches, telemetry) or "
    "another cloud's storage: not AWS's clock"
)
_C = "snowflake.connector."
ON_PURPOSE = (
    *(
        OnPurpose(_C + module, "*", "*", _NOT_AWS)
        for module in (
            "auth.*",
            "aio.auth.*",
            "ocsp_snowflake",
            "ocsp_asn1crypto",
            "aio._ocsp_snowflake",
            "crl",
            "crl_cache",
            "cache",
            "telemetry_oob",
            "time_util",
            "tool.*",
            "azure_storage_client",
            "aio._azure_storage_client",
        )
    ),
    # A transfer's elapsed time; when the stage's credentials were last renewed,
    # compared with a later read of the same clock; a lock file's age.
    OnPurpose(_C + "file_transfer_agent", "*", "*", DURATION),
    OnPurpose(_C + "file_lock", "*", "*", DURATION),
    OnPurpose(
        _C + "vendored.*",
        "*",
        "*",
        "its vendored requests and urllib3: cookies' expiry, retry timing, and urllib3's "
        "warning of a system clock before its release date",
    ),
)
# 5.x signs its stage transfers in its Rust core (sf_core_python, aws-sigv4), which imports
# the C clock: redirected under libfaketime as obstore's is. 4.x's objects read no clock.
NATIVE = (
    NativeObject(
        "snowflake.connector",
        ("snowflake",),
        "snowflake-connector-python 5.x's Rust core: its S3 stage signatures, its timers and "
        "waits (tokio)",
    ),
)
