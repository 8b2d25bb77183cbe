"""botocore: its signers, credential and token expiry, and its resend of a refused request.

Two eras: up to botocore 1.40.1 (aiobotocore 2.24.1) the signers call
``datetime.datetime.utcnow()`` inline, and only the module's ``datetime`` name
can be replaced; from 1.40.2 they call ``get_current_datetime()``, imported
by name. A module's era is told by whether it binds ``get_current_datetime``.
aiobotocore and the AWS CLI reuse :func:`inline`, :func:`named` and the
stand-ins here. botocore is never imported by this module.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable

from libfaketimefs_botocore import stand_ins
from libfaketimefs_botocore.clock import endpoint_offsets
from libfaketimefs_botocore.points import NAME, OnPurpose, WrapPoint
from libfaketimefs_botocore.stand_ins import RealtimeFunction, RealtimeMethod
from libfaketimefs_botocore.state import chosen, reading
from libfaketimefs_botocore.state.switch import SWITCH

# The packages the audit reads, and those whose import turns the autopatch on.
AUDITED = ("botocore",)
WATCHED = ("botocore",)

# botocore <= 1.40.1, aiobotocore < 2.24.2 call ``datetime.datetime.utcnow()``
# inline: a module of that era does not bind this name.
NAMED_ERA = "get_current_datetime"


def inline(module: str, reads: str, signing: bool = True) -> WrapPoint:
    """The module's ``datetime`` name, in a module of the inline era."""
    stand_in = stand_ins.SigningDatetimeModule if signing else stand_ins.RealtimeDatetimeModule
    return WrapPoint(module, "datetime", reads, stand_in, unless_binds=NAMED_ERA)


def named(module: str, reads: str, signing: bool = True) -> WrapPoint:
    """The module's ``get_current_datetime`` binding, in a module of the named era."""
    stand_in = stand_ins.SigningCurrentDatetime if signing else stand_ins.CurrentDatetime
    return WrapPoint(module, "get_current_datetime", reads, stand_in)


# --- the stand-ins of botocore's own -------------------------------------------


class BuildDpopHeader(RealtimeFunction):
    """``_build_dpop_header``: the login DPoP proof's ``"iat": ts or int(time.time())``."""

    COVERS_BODY = True

    def __call__(
        self, private_key: Any, uri: str, uid: str | None = None, ts: int | None = None
    ) -> str:
        if ts is None:
            seconds = reading.real()
            if seconds is not None:
                ts = int(seconds)
        return self.__wrapped__(private_key, uri, uid=uid, ts=ts)  # type: ignore[no-any-return]


def _request_url(operation_name: str, request: Any, *args: Any, **kwargs: Any) -> str:
    return str(request.url)


def _request_dict_url(request_dict: dict[str, Any], *args: Any, **kwargs: Any) -> str:
    return str(request_dict["url"])


# ``RequestSigner.sign(operation_name, request)``; a presigned POST's request dict.
signs_request = stand_ins.signing_for(_request_url)
signs_request_dict = stand_ins.signing_for(_request_dict_url)

_RESENT = "libfaketimefs_botocore_resent"


def _retry_arguments(
    attempts: int,
    operation_model: Any,
    request_dict: dict[str, Any],
    response: Any = None,
    caught_exception: Any = None,
) -> tuple[dict[str, Any], Any]:
    return request_dict, response


def resend_for_its_time(request_dict: dict[str, Any], response: Any) -> bool:
    """Whether a refused request taught its endpoint's clock, and goes again at once.

    A request refused for its time was not executed, so it is resent whole,
    whatever it does; once, and without botocore's back-off or retry quota.
    """
    # A time the caller chose is not the endpoint's to correct.
    if not SWITCH.on or response is None or chosen.here() is not None:
        return False
    context = request_dict.get("context")
    if not isinstance(context, dict) or context.get(_RESENT):
        return False
    if not stand_ins.learned(request_dict["url"], endpoint_offsets.refusal_clock(response)):
        return False
    context[_RESENT] = True
    return True


def _needs_retry(
    wrapped: Callable[..., bool], instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> bool:
    if resend_for_its_time(*_retry_arguments(*args, **kwargs)):
        return True
    return wrapped(*args, **kwargs)


async def _needs_retry_async(
    wrapped: Callable[..., Any], instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> bool:
    if resend_for_its_time(*_retry_arguments(*args, **kwargs)):
        return True
    return bool(await wrapped(*args, **kwargs))


def needs_retry(original: Any) -> RealtimeMethod:
    """botocore's (or aiobotocore's) ``Endpoint._needs_retry``."""
    if inspect.iscoroutinefunction(original):
        return RealtimeMethod(original, _needs_retry_async)
    return RealtimeMethod(original, _needs_retry)


# --- the wrap points ---------------------------------------------------------------

AUTH = (
    inline("botocore.auth", "SigV4, S3, S3 Express and POST signing time: datetime.utcnow()"),
    named("botocore.auth", "SigV4, S3, S3 Express and POST signing time: get_current_datetime()"),
    WrapPoint(
        "botocore.auth",
        "time",
        "SigV2 Timestamp: time.gmtime(); HmacV1 presigned Expires: time.time()",
        stand_ins.RealtimeTimeModule,
    ),
    WrapPoint(
        "botocore.auth",
        "formatdate",
        "SigV3 and HmacV1 Date: formatdate()",
        stand_ins.Formatdate,
    ),
)

CRT_AUTH = (
    inline("botocore.crt.auth", "CRT SigV4 and SigV4a signing time: datetime.utcnow()"),
    named("botocore.crt.auth", "CRT SigV4 and SigV4a signing time: get_current_datetime()"),
)

SIGNERS = (
    inline("botocore.signers", "presigned POST policy expiration: datetime.utcnow()"),
    named("botocore.signers", "presigned POST policy expiration: get_current_datetime()"),
    WrapPoint(
        "botocore.signers",
        "RequestSigner.sign",
        "every signature: the endpoint it is for",
        signs_request,
    ),
    WrapPoint(
        "botocore.signers",
        "S3PostPresigner.generate_presigned_post",
        "presigned POST: the endpoint it is for",
        signs_request_dict,
    ),
)

ENDPOINT = (
    WrapPoint(
        "botocore.endpoint",
        "Endpoint._needs_retry",
        "a refusal for the request's time: learn the endpoint's clock, send again",
        needs_retry,
    ),
)

CREDENTIALS = (
    WrapPoint(
        "botocore.credentials",
        "datetime",
        "credential expiry: _local_now() = datetime.datetime.now(tzlocal())",
        stand_ins.RealtimeDatetimeModule,
    ),
    WrapPoint(
        "botocore.credentials",
        "_build_dpop_header",
        "login DPoP proof iat: time.time()",
        BuildDpopHeader,
    ),
)

TOKENS = (
    WrapPoint(
        "botocore.tokens",
        "datetime",
        "SSO token expiry: _utc_now() = datetime.now(tzutc())",
        stand_ins.RealtimeDatetimeClass,
    ),
)

UTILS = (
    inline(
        "botocore.utils",
        "IMDS credential expiry: datetime.utcnow(); "
        "the AWS CLI v2's SSO login token expiry: datetime.now(tzutc())",
        signing=False,
    ),
    named("botocore.utils", "IMDS credential expiry: get_current_datetime()", signing=False),
    WrapPoint(
        "botocore.utils",
        "build_dpop_header",
        "the AWS CLI v2's login DPoP proof iat: time.time()",
        BuildDpopHeader,
    ),
)

WRAP_POINTS = (*AUTH, *CRT_AUTH, *SIGNERS, *CREDENTIALS, *TOKENS, *UTILS, *ENDPOINT)

# --- left on the process clock -----------------------------------------------------
#
# Deliberately: botocore.endpoint's retry ttl. It is the local clock plus the
# skew estimated from the server's Date header, read twice back to back, so
# the local clock cancels out and the ttl already agrees with AWS's clock
# under any fake time (tests/end_to_end/test_expiry_end_to_end.py checks it).
# Redirecting it would add two file reads to every API call and change nothing.

_TTL = (
    "the amz-sdk-request ttl: the local clock plus the skew measured from the server's "
    "Date, read back to back, so the local clock cancels out and the ttl already agrees "
    "with AWS's clock under any fake time (tests/end_to_end/test_expiry_end_to_end.py checks it)"
)
_RETRY_QUOTA = (
    "the retry quota's token bucket refills by the time elapsed between two reads of the "
    "same process clock: a duration, never sent"
)
_DISCOVERY = (
    "the endpoint discovery cache expires its entries by the process clock: it compares "
    "two reads of the same clock and sends neither"
)
_MONITORING = (
    "client-side monitoring (CSM) time stamps go to a local agent, not to AWS, and are "
    "compared with nothing"
)

ON_PURPOSE = (
    OnPurpose("botocore.endpoint", "Endpoint._calculate_ttl", "datetime.datetime.utcnow", _TTL),
    OnPurpose("botocore.endpoint", "Endpoint._set_ttl", "datetime.datetime.utcnow", _TTL),
    OnPurpose(
        "botocore.endpoint", "Endpoint._calculate_ttl", "botocore.compat.get_current_datetime", _TTL
    ),
    OnPurpose(
        "botocore.endpoint", "Endpoint._set_ttl", "botocore.compat.get_current_datetime", _TTL
    ),
    OnPurpose("botocore.retries.bucket", "Clock.current_time", "time.time", _RETRY_QUOTA),
    OnPurpose("botocore.discovery", "EndpointDiscoveryManager.__init__", "time.time", _DISCOVERY),
    OnPurpose("botocore.monitoring", "MonitorEventAdapter.__init__", "time.time", _MONITORING),
    OnPurpose(
        "botocore.credentials",
        "BaseAssumeRoleCredentialFetcher._generate_assume_role_name",
        "time.time",
        NAME,
    ),
)
