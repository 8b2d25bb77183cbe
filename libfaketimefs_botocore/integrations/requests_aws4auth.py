"""requests-aws4auth: ``AWS4Auth``, ``StrictAWS4Auth``, ``PassiveAWS4Auth`` and their signing keys.

It signs SigV4 itself, on top of ``requests``, with the ``datetime`` module
it imports; its signing key keeps the date it was made for. Never imported
by this module.
"""

from __future__ import annotations

from typing import Any, Callable

from libfaketimefs_botocore import stand_ins
from libfaketimefs_botocore.clock import endpoint_offsets
from libfaketimefs_botocore.points import OnPurpose, WrapPoint
from libfaketimefs_botocore.state import chosen, reading
from libfaketimefs_botocore.tls import signed_hosts

AUDITED = ("requests_aws4auth",)
WATCHED = ("requests_aws4auth",)

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
    token = endpoint_offsets.signing_url.set(url)
    try:
        seconds = reading.signing()
        if seconds is None:  # no source of the real time: the process clock, as elsewhere
            return wrapped(*args, **kwargs)
        if type(instance).get_request_date(request) is None:
            _key_for(instance, seconds, url)
        with chosen.pinned(seconds):
            return wrapped(*args, **kwargs)
    finally:
        endpoint_offsets.signing_url.reset(token)


def aws4auth_call(original: Any) -> stand_ins.RealtimeMethod:
    """requests-aws4auth's ``AWS4Auth.__call__``, which its Strict and Passive classes inherit."""
    return stand_ins.RealtimeMethod(original, _aws4auth_call)


def _key_for(auth: Any, seconds: float, url: str) -> None:
    """Make ``auth``'s signing key the one for the date of ``seconds``, or raise."""
    date = stand_ins.naive_utc(seconds).strftime("%Y%m%d")
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
        f"{stand_ins.naive_utc(seconds).isoformat(timespec='seconds')}Z); the key keeps "
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


WRAP_POINTS = (
    WrapPoint(
        "requests_aws4auth.aws4auth",
        "datetime",
        "requests-aws4auth's X-Amz-Date: datetime.datetime.now(timezone.utc)",
        stand_ins.SigningDatetimeModule,
    ),
    WrapPoint(
        "requests_aws4auth.aws4auth",
        "AWS4Auth.__call__",
        "requests-aws4auth's signatures: the endpoint, one signing time, its key for that date",
        aws4auth_call,
    ),
    WrapPoint(
        "requests_aws4auth.aws4signingkey",
        "datetime",
        "requests-aws4auth's signing key date: datetime.now(timezone.utc)",
        stand_ins.SigningDatetimeClass,
    ),
)

ON_PURPOSE = (
    OnPurpose(
        "requests_aws4auth.aws4auth",
        "AWS4Auth.parse_date.<lambda>",
        "datetime.date.today",
        "the century of a two-digit year in an RFC 850 Date header the program set itself: "
        "its own date, parsed, not a time AWS checks",
    ),
)
