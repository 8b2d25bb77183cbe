"""Where botocore, aiobotocore and the other AWS signers read the clock, one table per module.

Also where they sign for an endpoint and decide to send a request again (so
that an endpoint's own clock, learned from its refusals, is used for it), and
where boto3 picks a transfer manager that signs outside botocore.

Each module's own binding is wrapped (``from x import f`` copies the name),
from a post-import hook, so the order of ``import botocore`` and the patch
does not matter. Two eras: up to botocore 1.40.1 (aiobotocore 2.24.1) the
signers call ``datetime.datetime.utcnow()`` inline, and only the module's
``datetime`` name can be replaced; from 1.40.2 they call
``get_current_datetime()``, imported by name. A module's era is told by
whether it binds ``get_current_datetime``.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Callable, cast

import wrapt

from libfaketimefs_botocore import other_signers, replacements

# botocore <= 1.40.1, aiobotocore < 2.24.2 call ``datetime.datetime.utcnow()``
# inline: a module of that era does not bind this name.
NAMED_ERA = "get_current_datetime"


@dataclass(frozen=True)
class WrapPoint:
    module: str
    name: str
    reads: str
    replacement: Callable[[Any], object]
    # Data, not a predicate, so that the audit can tell from a module's source
    # whether the point applies, as install() tells from the module itself.
    unless_binds: str | None = None

    def applies(self, module_binds: Callable[[str], bool]) -> bool:
        return self.unless_binds is None or not module_binds(self.unless_binds)


def _inline(module: str, reads: str, signing: bool = True) -> WrapPoint:
    replacement = (
        replacements.SigningDatetimeModule if signing else replacements.RealtimeDatetimeModule
    )
    return WrapPoint(module, "datetime", reads, replacement, unless_binds=NAMED_ERA)


def _named(module: str, reads: str, signing: bool = True) -> WrapPoint:
    replacement = replacements.SigningCurrentDatetime if signing else replacements.CurrentDatetime
    return WrapPoint(module, "get_current_datetime", reads, replacement)


AUTH = (
    _inline("botocore.auth", "SigV4, S3, S3 Express and POST signing time: datetime.utcnow()"),
    _named("botocore.auth", "SigV4, S3, S3 Express and POST signing time: get_current_datetime()"),
    WrapPoint(
        "botocore.auth",
        "time",
        "SigV2 Timestamp: time.gmtime(); HmacV1 presigned Expires: time.time()",
        replacements.RealtimeTimeModule,
    ),
    WrapPoint(
        "botocore.auth",
        "formatdate",
        "SigV3 and HmacV1 Date: formatdate()",
        replacements.Formatdate,
    ),
)

CRT_AUTH = (
    _inline("botocore.crt.auth", "CRT SigV4 and SigV4a signing time: datetime.utcnow()"),
    _named("botocore.crt.auth", "CRT SigV4 and SigV4a signing time: get_current_datetime()"),
)

SIGNERS = (
    _inline("botocore.signers", "presigned POST policy expiration: datetime.utcnow()"),
    _named("botocore.signers", "presigned POST policy expiration: get_current_datetime()"),
    WrapPoint(
        "botocore.signers",
        "RequestSigner.sign",
        "every signature: the endpoint it is for",
        replacements.signs_request,
    ),
    WrapPoint(
        "botocore.signers",
        "S3PostPresigner.generate_presigned_post",
        "presigned POST: the endpoint it is for",
        replacements.signs_request_dict,
    ),
)

ENDPOINT = (
    WrapPoint(
        "botocore.endpoint",
        "Endpoint._needs_retry",
        "a refusal for the request's time: learn the endpoint's clock, send again",
        replacements.needs_retry,
    ),
)

CREDENTIALS = (
    WrapPoint(
        "botocore.credentials",
        "datetime",
        "credential expiry: _local_now() = datetime.datetime.now(tzlocal())",
        replacements.RealtimeDatetimeModule,
    ),
    WrapPoint(
        "botocore.credentials",
        "_build_dpop_header",
        "login DPoP proof iat: time.time()",
        replacements.BuildDpopHeader,
    ),
)

TOKENS = (
    WrapPoint(
        "botocore.tokens",
        "datetime",
        "SSO token expiry: _utc_now() = datetime.now(tzutc())",
        replacements.RealtimeDatetimeClass,
    ),
)

UTILS = (
    _inline(
        "botocore.utils",
        "IMDS credential expiry: datetime.utcnow(); "
        "the AWS CLI v2's SSO login token expiry: datetime.now(tzutc())",
        signing=False,
    ),
    _named("botocore.utils", "IMDS credential expiry: get_current_datetime()", signing=False),
    WrapPoint(
        "botocore.utils",
        "build_dpop_header",
        "the AWS CLI v2's login DPoP proof iat: time.time()",
        replacements.BuildDpopHeader,
    ),
)

AIOBOTOCORE_SIGNERS = (
    _inline("aiobotocore.signers", "aiobotocore presigned POST expiration: datetime.utcnow()"),
    _named("aiobotocore.signers", "aiobotocore presigned POST expiration: get_current_datetime()"),
    WrapPoint(
        "aiobotocore.signers",
        "AioRequestSigner.sign",
        "every aiobotocore signature: the endpoint it is for",
        replacements.signs_request,
    ),
    WrapPoint(
        "aiobotocore.signers",
        "AioS3PostPresigner.generate_presigned_post",
        "aiobotocore presigned POST: the endpoint it is for",
        replacements.signs_request_dict,
    ),
)

AIOBOTOCORE_ENDPOINT = (
    WrapPoint(
        "aiobotocore.endpoint",
        "AioEndpoint._needs_retry",
        "a refusal for the request's time: learn the endpoint's clock, send again",
        replacements.needs_retry,
    ),
)

BOTO3_TRANSFER = (
    WrapPoint(
        "boto3.s3.transfer",
        "_should_use_crt",
        "S3 transfers: the CRT transfer manager signs in C with the process clock; "
        "the classic one is used while the switch is on",
        replacements.ShouldUseCrt,
    ),
)

# The AWS CLI's own reads of a time that AWS checks: v1 calls
# awscli.compat.get_current_datetime(), v2 datetime.utcnow() inline. Not the
# EKS token's expirationTimestamp: kubectl compares it with its own, faked,
# clock.
AWSCLI = (
    _inline(
        "awscli.customizations.codecommit",
        "aws codecommit credential-helper's SigV4 signing time: datetime.utcnow()",
        signing=False,
    ),
    _named(
        "awscli.customizations.codecommit",
        "aws codecommit credential-helper's SigV4 signing time: get_current_datetime()",
        signing=False,
    ),
    _inline(
        "awscli.customizations.ec2.bundleinstance",
        "aws ec2 bundle-instance S3 upload policy expiration: datetime.utcnow()",
        signing=False,
    ),
    _named(
        "awscli.customizations.ec2.bundleinstance",
        "aws ec2 bundle-instance S3 upload policy expiration: get_current_datetime()",
        signing=False,
    ),
    WrapPoint(
        "awscli.customizations.login.utils",
        "datetime",
        "aws login token expiry: datetime.now(tzutc())",
        replacements.RealtimeDatetimeModule,
    ),
    WrapPoint(
        "awscli.customizations.s3.factory",
        "TransferManagerFactory._compute_transfer_client_type",
        "aws s3 transfers: the CRT transfer client signs in C with the process clock; "
        "the classic one is used while the switch is on",
        replacements.transfer_client_type,
    ),
)

# The AWS signers that are not botocore, one table per package. Each signs
# SigV4 itself, on top of requests or httpx, with the datetime module it
# imports; each signing method gets the URL it signs for, so that the clock
# learned for that endpoint applies.
REQUESTS_AWS4AUTH = (
    WrapPoint(
        "requests_aws4auth.aws4auth",
        "datetime",
        "requests-aws4auth's X-Amz-Date: datetime.datetime.now(timezone.utc)",
        replacements.SigningDatetimeModule,
    ),
    WrapPoint(
        "requests_aws4auth.aws4auth",
        "AWS4Auth.__call__",
        "requests-aws4auth's signatures: the endpoint, one signing time, its key for that date",
        other_signers.aws4auth_call,
    ),
    WrapPoint(
        "requests_aws4auth.aws4signingkey",
        "datetime",
        "requests-aws4auth's signing key date: datetime.now(timezone.utc)",
        replacements.SigningDatetimeClass,
    ),
)

AWS_REQUESTS_AUTH = (
    WrapPoint(
        "aws_requests_auth.aws_auth",
        "datetime",
        "aws-requests-auth's X-Amz-Date: datetime.datetime.utcnow()",
        replacements.SigningDatetimeModule,
    ),
    WrapPoint(
        "aws_requests_auth.aws_auth",
        "AWSRequestsAuth.__call__",
        "aws-requests-auth's signatures: the endpoint they are for",
        other_signers.signs_prepared_request,
    ),
)

REQUESTS_AUTH_AWS_SIGV4 = (
    WrapPoint(
        "requests_auth_aws_sigv4",
        "datetime",
        "requests-auth-aws-sigv4's X-Amz-Date: datetime.datetime.utcnow()",
        replacements.SigningDatetimeModule,
    ),
    WrapPoint(
        "requests_auth_aws_sigv4",
        "AWSSigV4.__call__",
        "requests-auth-aws-sigv4's signatures: the endpoint they are for",
        other_signers.signs_prepared_request,
    ),
)

HTTPX_AUTH = (
    WrapPoint(
        "httpx_auth._aws",
        "datetime",
        "httpx-auth's X-Amz-Date: datetime.datetime.now(datetime.timezone.utc)",
        replacements.SigningDatetimeModule,
    ),
    WrapPoint(
        "httpx_auth._aws",
        "AWS4Auth.auth_flow",
        "httpx-auth's signatures, sync and async clients: the endpoint they are for",
        other_signers.auth_flow,
    ),
)

AWS_REQUEST_SIGNER = (
    WrapPoint(
        "aws_request_signer",
        "datetime",
        "aws-request-signer's signatures, presigned URLs and POST policies: "
        "datetime.datetime.utcnow()",
        replacements.SigningDatetimeModule,
    ),
    WrapPoint(
        "aws_request_signer",
        "AwsRequestSigner.sign_with_headers",
        "aws-request-signer's signatures: the endpoint they are for",
        other_signers.signs_method_url,
    ),
    WrapPoint(
        "aws_request_signer",
        "AwsRequestSigner.presign_url",
        "aws-request-signer's presigned URLs: the endpoint they are for",
        other_signers.signs_method_url,
    ),
)

# AWS's smithy-python SDKs (aws-sdk-bedrock-runtime, aws-sdk-transcribe-streaming
# and the rest) sign with aws-sdk-signers and judge identities with smithy-core's
# and smithy-aws-core's classes; Python 3.12 and later.
AWS_SDK_SIGNERS = (
    WrapPoint(
        "aws_sdk_signers.signers",
        "datetime",
        "aws-sdk-signers' X-Amz-Date (SigV4Signer, AsyncSigV4Signer) and every event's :date "
        "(AsyncEventSigner): datetime.datetime.now(datetime.UTC)",
        replacements.SigningDatetimeModule,
    ),
    WrapPoint(
        "aws_sdk_signers.signers",
        "SigV4Signer.sign",
        "aws-sdk-signers' signatures: the endpoint they are for (request.destination)",
        other_signers.signs_destination,
    ),
    WrapPoint(
        "aws_sdk_signers.signers",
        "AsyncSigV4Signer.sign",
        "aws-sdk-signers' async signatures (smithy-python's clients): the endpoint they are for",
        other_signers.signs_destination,
    ),
    WrapPoint(
        "aws_sdk_signers.interfaces.identity",
        "datetime",
        "aws-sdk-signers' identity expiry: datetime.now(tz=UTC)",
        replacements.RealtimeDatetimeClass,
    ),
)

SMITHY = (
    WrapPoint(
        "smithy_core.interfaces.identity",
        "datetime",
        "smithy-core's identity expiry (and CachingIdentityResolver's): datetime.now(tz=UTC)",
        replacements.RealtimeDatetimeClass,
    ),
    WrapPoint(
        "smithy_aws_core.identity.container",
        "datetime",
        "smithy-aws-core's container credentials expiry: datetime.now(UTC)",
        replacements.RealtimeDatetimeClass,
    ),
    WrapPoint(
        "smithy_aws_core.identity.imds",
        "datetime",
        "smithy-aws-core's IMDS credentials expiry, and its token's age: datetime.now()",
        replacements.RealtimeDatetimeClass,
    ),
    WrapPoint(
        "smithy_aws_core.identity.process",
        "datetime",
        "smithy-aws-core's process credentials expiry: datetime.now(UTC)",
        replacements.RealtimeDatetimeClass,
    ),
    WrapPoint(
        "smithy_core.aio.client",
        "RequestPipeline._retry",
        "smithy-python clients' refusals for a request's time: learn the endpoint's clock, "
        "send again",
        other_signers.smithy_retry,
    ),
)

# awscrt fills a signing config's date in Python when it is given none, and
# hands it to C; botocore's CRT signers give their own (botocore.crt.auth).
AWSCRT = (
    WrapPoint(
        "awscrt.auth",
        "datetime",
        "awscrt's AwsSigningConfig default date: datetime.datetime.now(timezone.utc)",
        replacements.SigningDatetimeModule,
    ),
)

AMAZON_TRANSCRIBE = (
    WrapPoint(
        "amazon_transcribe.eventstream",
        "datetime",
        "amazon-transcribe's event :date (EventSigner's _utc_now, bound at its creation): "
        "datetime.datetime.now(timezone.utc)",
        replacements.SigningDatetimeModule,
    ),
)

# opensearch-py signs with botocore's SigV4Auth, whose reads are botocore's;
# here only the endpoint it signs for (all four of its signer classes call it).
OPENSEARCH = (
    WrapPoint(
        "opensearchpy.helpers.signer",
        "AWSV4Signer.sign",
        "opensearch-py's signatures (botocore's SigV4Auth): the endpoint they are for",
        other_signers.signs_method_url,
    ),
)


def _install_again_after(
    wrapped: Callable[..., None], instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    wrapped(*args, **kwargs)
    wrap_imported()


def freezegun_stop(original: Any) -> replacements.RealtimeMethod:
    """freezegun's ``stop()``, which puts back every module attribute it swapped.

    A stand-in installed during a freeze, for a ``from datetime import
    datetime`` binding, stood for freezegun's class, and ``stop()`` puts the
    real class back over it: the wrap points are installed again after it.
    """
    return replacements.RealtimeMethod(original, _install_again_after)


# Not a clock read: freezegun's stop() puts back the real datetime class over
# a stand-in installed during the freeze, which is installed again.
FREEZEGUN = (
    WrapPoint(
        "freezegun.api",
        "_freeze_time.stop",
        "freezegun's stop(): the stand-ins installed during the freeze, installed again",
        freezegun_stop,
    ),
)

# aiobotocore.credentials and aiobotocore.tokens import botocore's _local_now
# and _utc_now by name: the functions themselves, whose bodies read the
# datetime names replaced above, so they need no table of their own.
#
# Deliberately left alone: botocore.endpoint's retry ttl. It is the local
# clock plus the skew estimated from the server's Date header, read twice
# back to back, so the local clock cancels out and the ttl already agrees
# with AWS's clock under any fake time (tests/test_expiry_end_to_end.py
# checks it). Redirecting it would add two file reads to every API call and
# change nothing.
TABLES = (
    AUTH,
    CRT_AUTH,
    SIGNERS,
    CREDENTIALS,
    TOKENS,
    UTILS,
    ENDPOINT,
    AIOBOTOCORE_SIGNERS,
    AIOBOTOCORE_ENDPOINT,
    BOTO3_TRANSFER,
    AWSCLI,
    REQUESTS_AWS4AUTH,
    AWS_REQUESTS_AUTH,
    REQUESTS_AUTH_AWS_SIGV4,
    HTTPX_AUTH,
    AWS_REQUEST_SIGNER,
    OPENSEARCH,
    AWS_SDK_SIGNERS,
    SMITHY,
    AWSCRT,
    AMAZON_TRANSCRIBE,
    FREEZEGUN,
)

WRAP_POINTS = tuple(point for table in TABLES for point in table)

MODULES = tuple(dict.fromkeys(point.module for point in WRAP_POINTS))

_install_lock = threading.Lock()
_hooks_registered = False


def install() -> None:
    """Register the post-import hooks that wrap every point. Idempotent and cheap."""
    global _hooks_registered
    if _hooks_registered:
        return
    with _install_lock:
        if _hooks_registered:
            return
        for name in MODULES:
            # Runs at once for a module already imported, else on its import.
            wrapt.register_post_import_hook(_wrap_module, name)
        _hooks_registered = True


def wrap_imported() -> None:
    """Wrap every point of the modules imported now, where its stand-in is missing."""
    for name in MODULES:
        module = sys.modules.get(name)
        if module is not None:
            _wrap_module(module)


def _wrap_module(module: ModuleType) -> None:
    for point in WRAP_POINTS:
        if point.module != module.__name__:
            continue
        binding = _binding(module, point.name)
        if binding is _MISSING or _is_wrapped(binding) or not _applies(point, module):
            continue
        # wrapt calls the factory with the original binding.
        wrapt.wrap_object(module, point.name, cast(Any, point.replacement))


_MISSING = object()


def _applies(point: WrapPoint, module: ModuleType) -> bool:
    return point.applies(lambda name: hasattr(module, name))


def _binding(module: ModuleType, name: str) -> object:
    """``module.name``, or ``module.Class.method`` as the class itself holds it."""
    *path, last = name.split(".")
    owner: object = module
    for part in path:
        owner = getattr(owner, part, _MISSING)
        if owner is _MISSING:
            return _MISSING
    if isinstance(owner, type):
        # From the class's own namespace: a method it only inherits belongs
        # to its base's table, and attribute access would bind a wrapper.
        return vars(owner).get(last, _MISSING)
    return getattr(owner, last, _MISSING)


def _is_wrapped(value: object) -> bool:
    return isinstance(value, replacements.STAND_IN_TYPES)


@dataclass(frozen=True)
class PointStatus:
    point: WrapPoint
    status: str  # "wrapped", "not wrapped", "not imported", "not in this release"


def statuses() -> list[PointStatus]:
    """What each wrap point looks like in this process, for ``check``."""
    result = []
    for point in WRAP_POINTS:
        module = sys.modules.get(point.module)
        binding = _MISSING if module is None else _binding(module, point.name)
        if module is None:
            status = "not imported"
        elif binding is _MISSING or not _applies(point, module):
            status = "not in this release"
        elif _is_wrapped(binding):
            status = "wrapped"
        else:
            status = "not wrapped"
        result.append(PointStatus(point, status))
    return result
