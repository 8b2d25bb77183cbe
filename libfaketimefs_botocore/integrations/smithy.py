"""AWS's smithy-python SDKs (aws-sdk-bedrock-runtime and the rest): smithy-core, smithy-aws-core.

They judge identities with smithy-core's and smithy-aws-core's classes and
sign with aws-sdk-signers (an integration of its own); their clients'
refusals reach no hook of botocore's. Python 3.12 and later. Never imported
by this module.
"""

from __future__ import annotations

from typing import Any, Callable

from libfaketimefs_botocore import stand_ins
from libfaketimefs_botocore.clock import endpoint_offsets
from libfaketimefs_botocore.points import OnPurpose, WrapPoint
from libfaketimefs_botocore.state import chosen
from libfaketimefs_botocore.state.switch import SWITCH

AUDITED = ("smithy_core", "smithy_aws_core", "smithy_http")
WATCHED = ("smithy_core", "smithy_aws_core")


# A smithy-python client's answers reach no hook of botocore's: its request
# pipeline's retry loop (``RequestPipeline._retry``) ends with the last
# attempt's output, the HTTP response beside it. When that is a refusal for
# the request's time whose ``Date`` teaches the endpoint's clock, the call
# goes again at once, once, as botocore's do: a request refused for its time
# was not executed.


async def _smithy_retry(
    wrapped: Callable[..., Any], instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    output = await wrapped(*args, **kwargs)
    # A time the caller chose is not the endpoint's to correct.
    if not SWITCH.on or chosen.here() is not None:
        return output
    # Learned from either way; an event stream, though, was handed to the caller
    # with the first attempt, and is not sent again.
    request_context, request_future = _pipeline_arguments(*args, **kwargs)
    if not _learned_from(output) or request_future is not None:
        return output
    from smithy_core.aio.utils import seek

    await seek(request_context.transport_request.body, 0)
    return await wrapped(*args, **kwargs)


def _pipeline_arguments(
    call: Any, request_context: Any, request_future: Any = None
) -> tuple[Any, Any]:
    """``_retry(call, request_context, request_future)``'s request context and future."""
    return request_context, request_future


def _learned_from(output: Any) -> bool:
    """Whether a call's output is a refusal for its time that taught its endpoint's clock."""
    response: Any = getattr(output, "transport_response", None)
    request: Any = getattr(output, "transport_request", None)
    if not isinstance(getattr(output, "response", None), Exception) or response is None:
        return False
    try:
        headers = {field.name.lower(): field.as_string() for field in response.fields}
        url = str(request.destination.build())
    except (AttributeError, TypeError):  # not the HTTP request and response this reads
        return False
    # REST JSON's error type, "Code" or "Code:namespace".
    code = headers.get("x-amzn-errortype", "").split(":")[0]
    endpoint_now = endpoint_offsets.http_refusal_clock(
        getattr(response, "status", None), code, headers
    )
    return stand_ins.learned(url, endpoint_now)


def smithy_retry(original: Any) -> stand_ins.RealtimeMethod:
    """smithy-core's ``RequestPipeline._retry``: every call of a smithy-python client."""
    return stand_ins.RealtimeMethod(original, _smithy_retry)


WRAP_POINTS = (
    WrapPoint(
        "smithy_core.interfaces.identity",
        "datetime",
        "smithy-core's identity expiry (and CachingIdentityResolver's): datetime.now(tz=UTC)",
        stand_ins.RealtimeDatetimeClass,
    ),
    WrapPoint(
        "smithy_aws_core.identity.container",
        "datetime",
        "smithy-aws-core's container credentials expiry: datetime.now(UTC)",
        stand_ins.RealtimeDatetimeClass,
    ),
    WrapPoint(
        "smithy_aws_core.identity.imds",
        "datetime",
        "smithy-aws-core's IMDS credentials expiry, and its token's age: datetime.now()",
        stand_ins.RealtimeDatetimeClass,
    ),
    WrapPoint(
        "smithy_aws_core.identity.process",
        "datetime",
        "smithy-aws-core's process credentials expiry: datetime.now(UTC)",
        stand_ins.RealtimeDatetimeClass,
    ),
    WrapPoint(
        "smithy_core.aio.client",
        "RequestPipeline._retry",
        "smithy-python clients' refusals for a request's time: learn the endpoint's clock, "
        "send again",
        smithy_retry,
    ),
)
ON_PURPOSE: tuple[OnPurpose, ...] = ()
