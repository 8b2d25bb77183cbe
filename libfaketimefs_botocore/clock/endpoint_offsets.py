"""AWS's own clock, endpoint by endpoint, as its refusals reveal it.

When an endpoint refuses a request for its time stamp, its ``Date`` header
(or S3's ``ServerTime``) tells its clock. The difference from the real-time
source is kept for that endpoint (scheme, host and port) and added to every
later signing time for it, as the other AWS SDKs do (Java's
``ClockSkewAdjuster``, JavaScript's ``systemClockOffset``, .NET's
``CorrectForClockSkew``). It corrects what no local clock can: a machine
whose real clock is wrong, or an endpoint that itself runs on a faked clock.
"""

from __future__ import annotations

import datetime
import email.utils
import functools
import logging
import os
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any
from urllib.parse import urlsplit

ENV_VAR = "LIBFAKETIMEFS_BOTOCORE_CORRECT_SKEW"

# AWS refuses time stamps 5 minutes (S3: 15) away; a smaller difference is not
# what a refusal was for.
LEARN_BEYOND = 240.0

TIME_CODES = frozenset(
    {
        "RequestTimeTooSkewed",
        "RequestExpired",
        "RequestInTheFuture",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "AuthFailure",
    }
)

# The Date header of an answer is the endpoint's clock; one before 2000 or
# past 9999 is not.
_EARLIEST = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc).timestamp()
_LATEST = 253402300799.0

_logger = logging.getLogger("libfaketimefs_botocore")

Endpoint = tuple[str, str, int]

# Replaced whole on each lesson, never changed: read without a lock.
offsets: dict[Endpoint, float] = {}

# The URL of the request being signed, so that its signing time can carry
# its endpoint's offset; set around botocore's signing calls.
signing_url: ContextVar[str | None] = ContextVar("libfaketimefs_botocore_signing_url", default=None)


def enabled() -> bool:
    return os.environ.get(ENV_VAR) != "0"


@functools.lru_cache(maxsize=512)
def endpoint(url: str) -> Endpoint:
    """The endpoint of a URL: scheme, host and port (the scheme's default when none)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or (443 if scheme == "https" else 80)
    return scheme, (parts.hostname or "").lower(), port


def offset_for(url: str | None) -> float:
    """Seconds to add to the real time when signing for ``url``."""
    if url is None or not offsets or not enabled():
        return 0.0
    return offsets.get(endpoint(url), 0.0)


def refusal_clock(response: Any) -> float | None:
    """The endpoint's clock, when ``response`` refused a request and says what time it is.

    ``response`` is botocore's ``(http_response, parsed)``: a refusal is a
    401 or 403, or an error code that speaks of time; the clock is S3's
    ``ServerTime`` or the ``Date`` header.
    """
    if not (isinstance(response, tuple) and len(response) == 2):
        return None
    parsed = response[1]
    if not isinstance(parsed, dict) or "Error" not in parsed:  # most answers: not a refusal
        return None
    # A parser or handler of someone else's may have put anything here.
    metadata = _mapping(parsed.get("ResponseMetadata"))
    error = _mapping(parsed.get("Error"))
    return http_refusal_clock(
        metadata.get("HTTPStatusCode"),
        error.get("Code"),
        _mapping(metadata.get("HTTPHeaders")),
        error.get("ServerTime"),
    )


def http_refusal_clock(
    status: object, code: object, headers: Mapping[str, Any], server_time: object = None
) -> float | None:
    """The endpoint's clock, when an HTTP answer refused a request and says what time it is.

    A refusal is a 401 or 403, or an error ``code`` that speaks of time; the
    clock is S3's ``ServerTime`` or the ``Date`` header (``headers``, by name
    in lower case or as sent).
    """
    is_time_code = isinstance(code, str) and code in TIME_CODES
    if status not in (401, 403) and not is_time_code:
        return None
    if not enabled():
        return None
    return _endpoint_clock(headers, server_time)


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def learn(url: str, endpoint_now: float, real_now: float) -> bool:
    """Learn the clock of ``url``'s endpoint from a refusal; True when it changed.

    Nothing is learned when the endpoint's clock is within 4 minutes of what
    the refused request carried: it was refused for something else.
    """
    global offsets
    key = endpoint(url)
    signed_with = real_now + offsets.get(key, 0.0)
    if abs(endpoint_now - signed_with) <= LEARN_BEYOND:
        return False
    offset = float(round(endpoint_now - real_now))
    offsets = {**offsets, key: offset}
    scheme, host, port = key
    _logger.info(
        "%s://%s:%d keeps its own clock: %+.0f s from the real time; signing for it with that",
        scheme,
        host,
        port,
        offset,
    )
    return True


def forget() -> None:
    global offsets
    offsets = {}


def _endpoint_clock(headers: Mapping[str, Any], server_time: object) -> float | None:
    if isinstance(server_time, str):
        seconds = _iso8601(server_time)
        if seconds is not None:
            return seconds
    date = headers.get("date") or headers.get("Date")
    return _http_date(date) if isinstance(date, str) else None


def _http_date(value: str) -> float | None:
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return _plausible(moment.timestamp())


def _iso8601(value: str) -> float | None:
    try:
        moment = datetime.datetime.strptime(value.strip(), "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return None
    return _plausible(moment.replace(tzinfo=datetime.timezone.utc).timestamp())


def _plausible(seconds: float) -> float | None:
    return seconds if _EARLIEST <= seconds <= _LATEST else None
