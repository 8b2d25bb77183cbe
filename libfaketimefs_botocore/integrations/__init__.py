"""One module per patched library, and the registry that everything else derives from.

Each module holds all the project knows of its library: its wrap points
(``WRAP_POINTS``), its own stand-ins, the packages the audit reads
(``AUDITED``), the top-level packages whose import turns the start-up hook's
autopatch on (``WATCHED``: those that do not import botocore), the reads
left on the process clock on purpose (``ON_PURPOSE``), and, where there is
any, what it does with the process clock that nothing here reaches
(``UNREACHED``, which ``check`` names) and the shared objects whose clock
imports are redirected (``NATIVE``). None imports its
library. A module reuses a sibling's only where it says so (aiobotocore and
the AWS CLI, botocore's); the import contract in pyproject.toml holds that.

Adding a library is adding a module here and naming it in :data:`INTEGRATIONS`.
"""

from __future__ import annotations

from types import ModuleType

from libfaketimefs_botocore.integrations import (
    aioaws,
    aiobotocore,
    amazon_transcribe,
    aws_request_signer,
    aws_requests_auth,
    aws_sdk_signers,
    awscli,
    awscrt,
    boto,
    boto3,
    botocore,
    duckdb,
    freezegun,
    httpx_auth,
    kafka,
    minio,
    obstore,
    opensearchpy,
    polars,
    pyarrow,
    requests_auth_aws_sigv4,
    requests_aws4auth,
    s3cmd,
    s3transfer,
    smithy,
    snowflake,
)
from libfaketimefs_botocore.points import (
    NativeLeft,
    NativeObject,
    OnPurpose,
    Unreached,
    WrapPoint,
)

# In the order the audit reports their packages and check lists their points.
INTEGRATIONS: tuple[ModuleType, ...] = (
    botocore,
    s3transfer,
    boto3,
    aiobotocore,
    awscli,
    requests_aws4auth,
    aws_requests_auth,
    requests_auth_aws_sigv4,
    httpx_auth,
    aws_request_signer,
    opensearchpy,
    aws_sdk_signers,
    smithy,
    awscrt,
    amazon_transcribe,
    minio,
    boto,
    s3cmd,
    aioaws,
    kafka,
    snowflake,
    obstore,
    polars,
    pyarrow,
    duckdb,
    freezegun,
)

WRAP_POINTS: tuple[WrapPoint, ...] = tuple(
    point for integration in INTEGRATIONS for point in integration.WRAP_POINTS
)
MODULES: tuple[str, ...] = tuple(dict.fromkeys(point.module for point in WRAP_POINTS))
AUDITED: tuple[str, ...] = tuple(
    package for integration in INTEGRATIONS for package in integration.AUDITED
)
WATCHED: tuple[str, ...] = tuple(
    package for integration in INTEGRATIONS for package in integration.WATCHED
)
ON_PURPOSE: tuple[OnPurpose, ...] = tuple(
    entry for integration in INTEGRATIONS for entry in integration.ON_PURPOSE
)


def name(integration: ModuleType) -> str:
    """An integration's name: its module's, the package it patches."""
    return integration.__name__.rsplit(".", 1)[-1]


NATIVE: tuple[tuple[str, NativeObject], ...] = tuple(
    (name(integration), native)
    for integration in INTEGRATIONS
    for native in getattr(integration, "NATIVE", ())
)
NATIVE_LEFT: tuple[NativeLeft, ...] = tuple(
    entry for integration in INTEGRATIONS for entry in getattr(integration, "NATIVE_LEFT", ())
)
UNREACHED: tuple[Unreached, ...] = tuple(
    entry for integration in INTEGRATIONS for entry in getattr(integration, "UNREACHED", ())
)


def of(point: WrapPoint) -> str:
    """The name of the integration a wrap point belongs to."""
    for integration in INTEGRATIONS:
        if point in integration.WRAP_POINTS:
            return name(integration)
    raise LookupError(point)
