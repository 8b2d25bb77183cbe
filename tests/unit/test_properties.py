"""What others write and the library parses, tried with hypothesis.

The realtime file is written by a daemon (or by whoever set the variable);
``Date``, ``ServerTime`` and the shape of a refusal come from an endpoint. For
any of them: no exception but ``RealtimeError`` for the file and "no
lesson" (None) for an endpoint, and nothing that is not a decimal time in
range is ever taken for the time.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Callable

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from libfaketimefs_botocore import RealtimeError, realtime_signing
from libfaketimefs_botocore.clock import endpoint_offsets
from libfaketimefs_botocore.clock.realtime_file import READ_LIMIT, parse_realtime, read_file
from libfaketimefs_botocore.integrations.botocore import (
    resend_for_its_time as _resend_for_its_time,
)

# How many inputs each property tries: 1000 in every run, more on demand
# (LIBFAKETIMEFS_BOTOCORE_EXAMPLES=20000 pytest --timeout=0 tests/unit/test_properties.py);
# the README quotes both.
EXAMPLES = int(os.environ.get("LIBFAKETIMEFS_BOTOCORE_EXAMPLES", "1000"))
PROPERTIES = settings(
    max_examples=EXAMPLES,
    deadline=None,  # a loaded CI machine is slow, not wrong
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

LATEST = 253402300799.0  # 9999-12-31T23:59:59Z
EARLIEST_ENDPOINT = 946684800.0  # 2000-01-01: an endpoint's clock before it is not one
DECIMAL = re.compile(rb"[ \t\n\r\x0b\x0c]*(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[ \t\n\r\x0b\x0c]*")
PATH = "/mnt/libfaketimefs/realtime"

# Bytes near the format: digits, points and blanks mixed with anything.
near_a_time_stamp = st.lists(
    st.sampled_from([b"0", b"1", b"7", b"9", b".", b" ", b"\n", b"-", b"e", b"_", b"\x00", b"\xff"])
    | st.binary(max_size=3),
    max_size=40,
).map(b"".join)
file_contents = st.binary(max_size=2 * READ_LIMIT) | near_a_time_stamp


def _attempt(read: Callable[..., float], *arguments: Any) -> tuple[float, str | None]:
    """What a read returned, or the message of the RealtimeError it raised: nothing else."""
    try:
        return read(*arguments), None
    except RealtimeError as error:
        return 0.0, str(error)


def _accepted(data: bytes, seconds: float) -> None:
    assert DECIMAL.fullmatch(data), data
    assert 0.0 < seconds <= LATEST
    assert seconds == float(data.strip())


@PROPERTIES
@given(file_contents)
@example(b"1795913929.4221611022949218750000")
@example(b"nan")
@example(b"1e9")
@example(b"\xef\xbc\x91\xef\xbc\x92")  # full-width digits, which str.isdigit() would take
@example(b"9" * 64)
@example(b"9" * 65)
def test_any_bytes_in_the_realtime_file(data: bytes) -> None:
    seconds, error = _attempt(parse_realtime, PATH, data)
    if error is None:
        _accepted(data, seconds)
    else:
        assert PATH in error
        assert "expected a Unix time stamp" in error
        # At most READ_LIMIT bytes of it are echoed, each at most 4 characters (\x00).
        assert len(error) < 200 + 4 * READ_LIMIT


@settings(PROPERTIES, max_examples=EXAMPLES // 10)
@given(data=file_contents)
def test_any_bytes_in_a_real_file(tmp_path: Path, data: bytes) -> None:
    """The same through open/read/close, with the file on disk."""
    path = tmp_path / "realtime"
    path.write_bytes(data)
    seconds, error = _attempt(read_file, str(path))
    if error is None:
        _accepted(data, seconds)
    else:
        assert str(path) in error


def _plausible(seconds: float | None) -> None:
    assert seconds is None or EARLIEST_ENDPOINT <= seconds <= LATEST


http_dates = st.text(max_size=60) | st.builds(
    "{}, {:02d} {} {} {:02d}:{:02d}:{:02d} {}".format,
    st.sampled_from(["Mon", "Tue", "Xyz", ""]),
    st.integers(-1, 40),
    st.sampled_from(["Jan", "Feb", "Dec", "Foo"]),
    st.integers(-10, 100000),
    st.integers(-1, 30),
    st.integers(-1, 70),
    st.integers(-1, 70),
    st.sampled_from(["GMT", "UTC", "+0000", "-2359", "+9999", "EST", ""]),
)
server_times = st.text(max_size=40) | st.builds(
    "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z".format,
    st.integers(0, 10000),
    st.integers(0, 13),
    st.integers(0, 32),
    st.integers(0, 25),
    st.integers(0, 61),
    st.integers(0, 61),
)


@PROPERTIES
@given(http_dates)
@example("Mon, 01 Jan 99999 00:00:00 GMT")
@example("Mon, 01 Jan 1900 00:00:00 GMT")
@example("Fri, 31 Dec 9999 23:59:59 -2359")
def test_any_date_header(value: str) -> None:
    _plausible(endpoint_offsets._http_date(value))


@PROPERTIES
@given(server_times)
def test_any_server_time(value: str) -> None:
    _plausible(endpoint_offsets._iso8601(value))


anything = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | st.binary(),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
refusals = st.fixed_dictionaries(
    {},
    optional={
        "Error": anything
        | st.fixed_dictionaries(
            {},
            optional={
                "Code": st.sampled_from(sorted(endpoint_offsets.TIME_CODES)) | anything,
                "ServerTime": server_times | anything,
            },
        ),
        "ResponseMetadata": anything
        | st.fixed_dictionaries(
            {},
            optional={
                "HTTPStatusCode": st.sampled_from([200, 400, 401, 403, 500]) | anything,
                "HTTPHeaders": anything
                | st.fixed_dictionaries({}, optional={"date": http_dates | anything}),
            },
        ),
    },
)
responses = st.tuples(anything, refusals | anything) | anything


@PROPERTIES
@given(responses)
@example((None, {"Error": "x", "ResponseMetadata": {"HTTPStatusCode": 403}}))
@example((None, {"Error": {"Code": ["x"]}}))
@example((None, {"Error": {}, "ResponseMetadata": "x"}))
def test_any_refusal_shape(response: Any) -> None:
    _plausible(endpoint_offsets.refusal_clock(response))


@settings(PROPERTIES, max_examples=EXAMPLES // 3)
@given(response=responses, context=anything)
def test_any_answer_reaches_the_retry_hook(response: Any, context: Any) -> None:
    """The stand-in of ``Endpoint._needs_retry`` with the switch on: a bool, and no exception."""
    endpoint_offsets.forget()
    request = {"url": "https://sts.amazonaws.com/", "context": context}
    try:
        with realtime_signing():
            assert _resend_for_its_time(request, response) in (True, False)
    finally:
        endpoint_offsets.forget()


@pytest.mark.parametrize(
    "headers",
    [{"date": "Mon, 01 Jan 2024 00:00:00 GMT"}, {"Date": "Mon, 01 Jan 2024 00:00:00 GMT"}],
)
def test_a_well_formed_refusal_is_still_a_lesson(headers: dict[str, str]) -> None:
    response = (
        None,
        {"Error": {"Code": "SignatureDoesNotMatch"}, "ResponseMetadata": {"HTTPHeaders": headers}},
    )
    assert endpoint_offsets.refusal_clock(response) == 1704067200.0
