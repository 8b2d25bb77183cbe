"""Learning an endpoint's clock from a refusal: what counts, what is kept, what is logged."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from email.utils import formatdate
from typing import Any

import pytest

from libfaketimefs_botocore import clock, realtime_signing
from libfaketimefs_botocore.clock import endpoint_offsets
from libfaketimefs_botocore.integrations.botocore import (
    resend_for_its_time as _resend_for_its_time,
)
from libfaketimefs_botocore.state.switch import SWITCH

URL = "https://sts.amazonaws.com/"


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(endpoint_offsets.ENV_VAR, raising=False)
    monkeypatch.delenv(clock.ENV_VAR, raising=False)
    endpoint_offsets.forget()
    yield
    endpoint_offsets.forget()


def refusal(
    status: int = 403, code: str = "SignatureDoesNotMatch", date: str | None = None, **error: str
) -> tuple[None, dict[str, Any]]:
    headers = {} if date is None else {"date": date}
    return None, {
        "Error": {"Code": code, **error},
        "ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": headers},
    }


def an_hour_ahead() -> str:
    return formatdate(time.time() + 3600, usegmt=True)


def test_endpoints_are_scheme_host_and_port() -> None:
    assert endpoint_offsets.endpoint("https://STS.amazonaws.com/x?y") == (
        "https",
        "sts.amazonaws.com",
        443,
    )
    assert endpoint_offsets.endpoint("http://127.0.0.1/") == ("http", "127.0.0.1", 80)
    assert endpoint_offsets.endpoint("http://127.0.0.1:8080/") == ("http", "127.0.0.1", 8080)


@pytest.mark.parametrize(
    ("response", "taught"),
    [
        (refusal(date=an_hour_ahead()), True),
        (refusal(status=401, code="Whatever", date=an_hour_ahead()), True),
        (refusal(status=400, code="InvalidSignatureException", date=an_hour_ahead()), True),
        (refusal(status=400, code="RequestExpired", date=an_hour_ahead()), True),
        (refusal(status=400, code="ValidationError", date=an_hour_ahead()), False),
        (refusal(status=200, code="", date=an_hour_ahead()), False),
        (refusal(date=None), False),
        (refusal(date="yesterday"), False),
        (refusal(date="Sat, 01 Jan 1994 00:00:00 GMT"), False),
        ((None, "not a dict"), False),
        (None, False),
    ],
)
def test_what_is_a_refusal_that_tells_the_time(response: Any, taught: bool) -> None:
    assert (endpoint_offsets.refusal_clock(response) is not None) is taught


def test_s3_server_time_comes_before_the_date_header() -> None:
    response = refusal(
        code="RequestTimeTooSkewed", date=an_hour_ahead(), ServerTime="2030-01-01T00:00:00Z"
    )
    assert endpoint_offsets.refusal_clock(response) == 1893456000.0


def test_learn_keeps_whole_seconds_per_endpoint_and_logs_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="libfaketimefs_botocore")
    real = 1795900000.25
    assert endpoint_offsets.learn(URL, real + 3600.4, real)
    assert endpoint_offsets.offset_for(URL) == 3600.0
    assert endpoint_offsets.offset_for("https://sts.amazonaws.com:8443/") == 0.0
    assert endpoint_offsets.offset_for("http://sts.amazonaws.com/") == 0.0
    # Refused again by the same clock: nothing new to learn, nothing to resend.
    assert not endpoint_offsets.learn(URL, real + 3600.4, real)
    # Within four minutes of what was signed: refused for something else.
    assert not endpoint_offsets.learn("https://other/", real + 200, real)
    assert [record.getMessage() for record in caplog.records] == [
        "https://sts.amazonaws.com:443 keeps its own clock: +3600 s from the real time; "
        "signing for it with that"
    ]
    # The endpoint's clock put right: learnt again.
    assert endpoint_offsets.learn(URL, real, real)
    assert endpoint_offsets.offset_for(URL) == 0.0


def test_the_variable_turns_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    endpoint_offsets.learn(URL, time.time() + 3600, time.time())
    monkeypatch.setenv(endpoint_offsets.ENV_VAR, "0")
    assert endpoint_offsets.offset_for(URL) == 0.0
    assert endpoint_offsets.refusal_clock(refusal(date=an_hour_ahead())) is None


def test_signing_times_carry_the_offset_of_the_endpoint_signed_for() -> None:
    endpoint_offsets.learn(URL, time.time() + 3600, time.time())
    assert clock.signing_now() == pytest.approx(time.time(), abs=1)
    token = endpoint_offsets.signing_url.set(URL)
    try:
        assert clock.signing_now() == pytest.approx(time.time() + 3600, abs=1)
        assert clock.now() == pytest.approx(time.time(), abs=1)  # expiry keeps the source
    finally:
        endpoint_offsets.signing_url.reset(token)


def test_a_refusal_while_the_switch_is_off_teaches_nothing() -> None:
    if SWITCH.held_for_good:
        pytest.skip("the switch is held for good in this process")
    request_dict: dict[str, Any] = {"url": URL, "context": {}}
    assert not _resend_for_its_time(request_dict, refusal(date=an_hour_ahead()))
    assert endpoint_offsets.offsets == {}


def test_a_request_is_sent_again_once() -> None:
    request_dict: dict[str, Any] = {"url": URL, "context": {}}
    with realtime_signing():
        assert _resend_for_its_time(request_dict, refusal(date=an_hour_ahead()))
        behind = formatdate(time.time() - 3600, usegmt=True)
        assert not _resend_for_its_time(request_dict, refusal(date=behind))
        assert _resend_for_its_time({"url": URL, "context": {}}, refusal(date=behind))
    assert endpoint_offsets.offset_for(URL) == pytest.approx(-3600, abs=1)
