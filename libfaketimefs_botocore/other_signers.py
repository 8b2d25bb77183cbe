"""Stand-ins for the AWS signers that are not botocore.

requests-aws4auth, aws-requests-auth, requests-auth-aws-sigv4, httpx-auth and
aws-request-signer sign SigV4 themselves, on top of ``requests`` or ``httpx``,
and so do aws-sdk-signers (under AWS's smithy-python SDKs), amazon-transcribe
and awscrt's own default date, with ``datetime.datetime.now()`` or
``utcnow()``: their ``datetime`` names get the stand-ins botocore's modules
get (:mod:`.replacements`). What is here is
what they need besides: the URL each signs for, so that a clock learned for
that endpoint applies to it too, and requests-aws4auth's signing key, which
keeps the date it was made on.

None of them is imported here: a wrap point applies when its module is.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, Callable

from libfaketimefs_botocore import replacements
from libfaketimefs_botocore.clock import endpoint_offsets
from libfaketimefs_botocore.state import chosen, reading
from libfaketimefs_botocore.state.switch import SWITCH
from libfaketimefs_botocore.tls import signed_hosts


def _prepared_request_url(request: Any, *args: Any, **kwargs: Any) -> str:
    return str(request.url)


def _method_url(method: str, url: str, *args: Any, **kwargs: Any) -> str:
    return str(url)


def _destination_url(*args: Any, request: Any, **kwargs: Any) -> str:
    return str(request.destination.build())


# ``sign(*, request, identity, properties)`` of aws-sdk-signers' SigV4 signers,
# which smithy-python's clients use: the request's ``destination`` URI.
signs_destination = replacements.signing_for(_destination_url)
# ``auth(request)`` of a requests ``AuthBase``.
signs_prepared_request = replacements.signing_for(_prepared_request_url)
# ``sign(method, url, ...)``: aws-request-signer's and opensearch-py's.
signs_method_url = replacements.signing_for(_method_url)


# smithy-python's clients --------------------------------------------------------
#
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
    return replacements.learned(url, endpoint_now)


def smithy_retry(original: Any) -> replacements.RealtimeMethod:
    """smithy-core's ``RequestPipeline._retry``: every call of a smithy-python client."""
    return replacements.RealtimeMethod(original, _smithy_retry)


def _auth_flow(
    wrapped: Callable[..., Generator[Any, Any, Any]],
    instance: Any,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Generator[Any, Any, Any]:
    flow = wrapped(*args, **kwargs)
    if signed_hosts.watching:
        signed_hosts.note(_prepared_request_url(*args, **kwargs))
    if not (SWITCH.on and endpoint_offsets.offsets):
        return flow
    return _steps_signing_for(_prepared_request_url(*args, **kwargs), flow)


def _steps_signing_for(url: str, flow: Generator[Any, Any, Any]) -> Generator[Any, Any, Any]:
    """``flow``, each of its steps run as signing for ``url``.

    Set and reset within one step: httpx's async client may resume the flow
    in another context, where a token of this one cannot be reset.
    """
    sent: Any = None
    thrown: BaseException | None = None
    while True:
        token = endpoint_offsets.signing_for.set(url)
        try:
            item = flow.send(sent) if thrown is None else flow.throw(thrown)
        except StopIteration as stop:
            return stop.value
        finally:
            endpoint_offsets.signing_for.reset(token)
        try:
            sent, thrown = (yield item), None
        except GeneratorExit:
            flow.close()
            raise
        except BaseException as error:  # noqa: BLE001 - handed to the flow
            sent, thrown = None, error


def auth_flow(original: Any) -> replacements.RealtimeMethod:
    """httpx-auth's ``AWS4Auth.auth_flow``, the generator httpx drives (sync and async clients)."""
    return replacements.RealtimeMethod(original, _auth_flow)


# requests-aws4auth -----------------------------------------------------------
#
# An AWS4SigningKey is for one date, fixed when it is made, and the scope of
# every signature it makes carries that date. The signing time, though, is
# the library's to choose: the real time, an endpoint's clock on the far side
# of a midnight from it, or a time chosen with signing_time(). So for a
# request that takes its date from the clock, the key is remade for the
# signing time's date, whichever class holds it and whenever it was made, and
# the signature is made with that one time (pinned: a midnight between the
# key's read and the request's cannot split them). A request that carries its
# own date keeps requests-aws4auth's rules.


def _aws4auth_call(
    wrapped: Callable[..., Any], instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    request = args[0] if args else kwargs["req"]
    url = str(request.url)
    if signed_hosts.watching:
        signed_hosts.note(url)
    if not reading.on_here():
        return wrapped(*args, **kwargs)
    token = endpoint_offsets.signing_for.set(url)
    try:
        seconds = reading.signing()
        if seconds is None:  # no source of the real time: the process clock, as elsewhere
            return wrapped(*args, **kwargs)
        if type(instance).get_request_date(request) is None:
            _key_for(instance, seconds, url)
        with chosen.pinned(seconds):
            return wrapped(*args, **kwargs)
    finally:
        endpoint_offsets.signing_for.reset(token)


def aws4auth_call(original: Any) -> replacements.RealtimeMethod:
    """requests-aws4auth's ``AWS4Auth.__call__``, which its Strict and Passive classes inherit."""
    return replacements.RealtimeMethod(original, _aws4auth_call)


def _key_for(auth: Any, seconds: float, url: str) -> None:
    """Make ``auth``'s signing key the one for the date of ``seconds``, or raise."""
    date = replacements.naive_utc(seconds).strftime("%Y%m%d")
    if getattr(auth, "date", None) == date:
        return
    if getattr(auth, "refreshable_credentials", None) is not None:
        # __call__ remakes the key from fresh credentials, for this date.
        auth.date = date
        return
    key = getattr(auth, "signing_key", None)
    if getattr(key, "secret_key", None) is not None:
        auth.regenerate_signing_key(date=date)
        return
    from requests_aws4auth.exceptions import DateMismatchError

    raise DateMismatchError(
        f"libfaketimefs-botocore: {type(auth).__name__}'s signing key is for "
        f"{getattr(key, 'date', None)}, and this request is signed on {date} "
        f"({_signing_time_source(url)}, "
        f"{replacements.naive_utc(seconds).isoformat(timespec='seconds')}Z); the key keeps "
        "no secret key (store_secret_key=False) to be remade with. Keep the secret "
        "(store_secret_key=True), or call regenerate_signing_key(secret_key=..., date=...) "
        "for the signing date first"
    )


def _signing_time_source(url: str) -> str:
    if chosen.here() is not None:
        return "the time chosen with signing_time()"
    if endpoint_offsets.offset_for(url):
        return "the endpoint's clock, as its refusal told it"
    return "the real time"
