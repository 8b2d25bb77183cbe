"""httpx-auth: ``AWS4Auth``, whose ``auth_flow`` generator httpx drives, sync and async.

It signs SigV4 itself with the ``datetime`` module it imports. Never imported
by this module.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, Callable

from libfaketimefs_botocore import stand_ins
from libfaketimefs_botocore.clock import endpoint_offsets
from libfaketimefs_botocore.points import OnPurpose, WrapPoint
from libfaketimefs_botocore.state.switch import SWITCH
from libfaketimefs_botocore.tls import signed_hosts

AUDITED = ("httpx_auth",)
WATCHED = ("httpx_auth",)


def _auth_flow(
    wrapped: Callable[..., Generator[Any, Any, Any]],
    instance: Any,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Generator[Any, Any, Any]:
    flow = wrapped(*args, **kwargs)
    if signed_hosts.watching:
        signed_hosts.note(stand_ins.prepared_request_url(*args, **kwargs))
    if not (SWITCH.on and endpoint_offsets.offsets):
        return flow
    return _steps_signing_for(stand_ins.prepared_request_url(*args, **kwargs), flow)


def _steps_signing_for(url: str, flow: Generator[Any, Any, Any]) -> Generator[Any, Any, Any]:
    """``flow``, each of its steps run as signing for ``url``.

    Set and reset within one step: httpx's async client may resume the flow
    in another context, where a token of this one cannot be reset.
    """
    sent: Any = None
    thrown: BaseException | None = None
    while True:
        token = endpoint_offsets.signing_url.set(url)
        try:
            item = flow.send(sent) if thrown is None else flow.throw(thrown)
        except StopIteration as stop:
            return stop.value
        finally:
            endpoint_offsets.signing_url.reset(token)
        try:
            sent, thrown = (yield item), None
        except GeneratorExit:
            flow.close()
            raise
        except BaseException as error:  # noqa: BLE001 - handed to the flow
            sent, thrown = None, error


def auth_flow(original: Any) -> stand_ins.RealtimeMethod:
    """httpx-auth's ``AWS4Auth.auth_flow``, the generator httpx drives (sync and async clients)."""
    return stand_ins.RealtimeMethod(original, _auth_flow)


WRAP_POINTS = (
    WrapPoint(
        "httpx_auth._aws",
        "datetime",
        "httpx-auth's X-Amz-Date: datetime.datetime.now(datetime.timezone.utc)",
        stand_ins.SigningDatetimeModule,
    ),
    WrapPoint(
        "httpx_auth._aws",
        "AWS4Auth.auth_flow",
        "httpx-auth's signatures, sync and async clients: the endpoint they are for",
        auth_flow,
    ),
)

ON_PURPOSE = (
    OnPurpose(
        "httpx_auth._oauth2.tokens",
        "*",
        "datetime.datetime.now",
        "the expiry of an OAuth2 token from the program's own identity provider, not AWS: "
        "judged by the program's clock, as the provider's tokens are meant to be",
    ),
)
