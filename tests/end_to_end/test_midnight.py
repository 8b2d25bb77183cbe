"""A UTC midnight between two times a signature depends on, put where each test wants it.

A SigV4 credential scope carries a date, and AWS refuses a request whose
scope date is not the date of its ``X-Amz-Date``. The signing time is the
library's to choose (the real time, an endpoint's clock, a time chosen with
``signing_time()``), so wherever a signer fixes a date apart from it
(requests-aws4auth's signing keys), the two can fall on either side of a
midnight: for an hour a day on a machine whose clock is an hour off. Here the
boundary is placed, never waited for: the verifying endpoint's clock at a
midnight, a month's end, a year's end or 29 February, and a chosen signing
time a second before and after it; or the endpoint's clock past the nearest
midnight from the real time. The endpoint checks the scope date as AWS does.
"""

from __future__ import annotations

import datetime
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from botocore.config import Config

from libfaketimefs_botocore import signing_time
from libfaketimefs_botocore.state.switch import SWITCH
from tests.harness.endpoint import Endpoint, across_midnight, last_midnight
from tests.harness.faketime import (
    DAY,
    OTHER_SIGNERS_CLIENT,
    ClockSetup,
    Libfaketime,
    Unfaked,
    run_client,
)
from tests.harness.schemes import OWN_SIGNERS, SIGNERS, THROUGH_BOTOCORE, run_schemes
from tests.harness.seaweedfs import SeaweedFS
from tests.harness.unfaked_http import send

UTC = datetime.timezone.utc
OK = {"ok": True, "code": ""}


def _utc(*fields: int) -> float:
    return datetime.datetime(*fields, tzinfo=UTC).timestamp()  # type: ignore[misc]


def _next_midnight() -> float:
    return last_midnight(time.time()) + DAY


# Each boundary is the first second of a new day; the tests sign a second
# before it and a second after.
BOUNDARIES = {
    "midnight": _next_midnight,
    "month-end": lambda: _utc(2027, 12, 1),
    "year-end": lambda: _utc(2028, 1, 1),
    "into-29-february": lambda: _utc(2028, 2, 29),
    "out-of-29-february": lambda: _utc(2028, 3, 1),
}
SIDES = [pytest.param(-1, id="a-second-before"), pytest.param(1, id="a-second-after")]

# Every signer that is not botocore, and one of opensearch-py's, which sign with botocore's.
OTHER_SIGNERS = [*OWN_SIGNERS, THROUGH_BOTOCORE[0]]


def _day(seconds: float) -> str:
    return datetime.datetime.fromtimestamp(seconds, UTC).strftime("%Y%m%d")


def _assert_signed_at(endpoint: Endpoint, moment: float) -> None:
    verdicts = endpoint.state.verdicts
    assert verdicts
    for verdict in verdicts:
        assert verdict.accepted, verdict
        if verdict.signed_at is not None:
            assert verdict.signed_at == moment, verdict


@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize("boundary", BOUNDARIES)
@pytest.mark.parametrize("signers", SIGNERS)
def test_every_scheme_signs_on_either_side_of_a_day(
    endpoint: Endpoint, boundary: str, side: int, signers: str
) -> None:
    """botocore's every scheme, in a signing_time() block a second before or after a new day,
    sent to an endpoint whose clock is at that day's first second."""
    moment = BOUNDARIES[boundary]()
    endpoint.put_clock_at(moment)
    result = run_schemes(Unfaked(), endpoint, signers, patch="signing-time-at", at=moment + side)
    assert result["results"] == {name: OK for name in result["results"]}
    _assert_signed_at(endpoint, moment + side)


@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize("boundary", BOUNDARIES)
def test_every_other_signer_signs_on_either_side_of_a_day(
    endpoint: Endpoint, boundary: str, side: int
) -> None:
    moment = BOUNDARIES[boundary]()
    endpoint.put_clock_at(moment)
    result = _run_other_signers(
        Unfaked(),
        endpoint,
        "sign",
        patch="signing-time-at",
        at=moment + side,
        signers=OTHER_SIGNERS,
        real_now=moment,  # the POST policy's expiration: the caller's, by AWS's clock
    )
    assert result["results"] == {name: OK for name in OTHER_SIGNERS}
    _assert_signed_at(endpoint, moment + side)


def _run_other_signers(
    setup: ClockSetup, endpoint: Endpoint, scenario: str, **options: Any
) -> dict[str, Any]:
    return run_client(
        scenario,
        setup,
        {"endpoint": endpoint.url, "real_now": time.time(), **options},
        program=OTHER_SIGNERS_CLIENT,
    )


# requests-aws4auth's keys: made while real-time signing is on, so for the real
# date, then used for a signing time on another date.

KEY_CLASSES = {"AWS4Auth", "StrictAWS4Auth", "PassiveAWS4Auth"}


@pytest.mark.parametrize("side", ["past-the-next-midnight", "before-the-last-midnight"])
def test_aws4auth_keys_made_on_the_real_date_sign_for_an_endpoint_past_midnight(
    endpoint: Endpoint, side: str
) -> None:
    """Under libfaketime a year ahead: the keys are made inside realtime_signing(), for the
    real date; botocore learns the endpoint's clock, on the other side of a midnight, from its
    refusal; each class's key is remade for the endpoint's date, and every request accepted."""
    offset = endpoint.put_clock(
        across_midnight(1800.0 if side.startswith("past") else -1800.0, time.time())
    )
    before = time.time()
    result = _run_other_signers(
        Libfaketime("+400d"),
        endpoint,
        "aws4auth-keys",
        made="switch-on",
        secret=True,
        learn_first=True,
    )
    assert set(result["made_for"].values()) <= {_day(before), _day(time.time())}
    assert result["results"] == dict.fromkeys(KEY_CLASSES, OK)
    refused, *accepted = endpoint.state.verdicts
    assert not refused.accepted
    assert len(accepted) == 1 + len(KEY_CLASSES)
    for verdict in accepted:
        assert verdict.accepted, verdict
        assert verdict.signed_at is not None
        assert _day(verdict.signed_at) == _day(time.time() + offset)
        assert _day(verdict.signed_at) not in result["made_for"].values()


@pytest.mark.parametrize("side", SIDES)
def test_aws4auth_keys_made_on_the_real_date_sign_with_a_chosen_time(
    endpoint: Endpoint, side: int
) -> None:
    moment = _utc(2028, 2, 29)
    endpoint.put_clock_at(moment)
    result = _run_other_signers(
        Unfaked(),
        endpoint,
        "aws4auth-keys",
        made="switch-on",
        secret=True,
        patch="signing-time-at",
        at=moment + side,
    )
    assert result["results"] == dict.fromkeys(KEY_CLASSES, OK)
    _assert_signed_at(endpoint, moment + side)
    assert len(endpoint.state.verdicts) == len(KEY_CLASSES)


def test_an_aws4auth_key_without_its_secret_names_both_dates_and_signs_nothing(
    endpoint: Endpoint,
) -> None:
    moment = _utc(2028, 2, 29)
    before = time.time()
    result = _run_other_signers(
        Unfaked(),
        endpoint,
        "aws4auth-keys",
        made="switch-on",
        secret=False,
        patch="signing-time-at",
        at=moment,
    )
    made_for = set(result["made_for"].values())
    assert made_for <= {_day(before), _day(time.time())}
    for kind, outcome in result["results"].items():
        assert not outcome["ok"]
        message = outcome["code"]
        assert message.startswith(f"DateMismatchError: libfaketimefs-botocore: {kind}'s "), message
        assert result["made_for"][kind] in message
        assert "signed on 20280229 (the time chosen with signing_time()" in message
        assert "store_secret_key=False" in message
    assert endpoint.state.verdicts == []


# SeaweedFS: presigned URLs, which it serves as long as they have not
# expired, made for a second before and after the last midnight.


@pytest.mark.skipif(SWITCH.held_for_good, reason="the switch is held for good in this process")
@pytest.mark.parametrize("side", SIDES)
def test_seaweedfs_serves_urls_signed_either_side_of_the_last_midnight(
    seaweedfs: SeaweedFS, bucket: str, side: int
) -> None:
    from aws_request_signer import UNSIGNED_PAYLOAD, AwsRequestSigner

    s3 = boto3.client(
        "s3",
        endpoint_url=seaweedfs.url,
        region_name="us-east-1",
        aws_access_key_id=seaweedfs.access_key,
        aws_secret_access_key=seaweedfs.secret_key,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="day", Body=b"either side")
    moment = last_midnight(time.time()) + side
    signer = AwsRequestSigner("us-east-1", seaweedfs.access_key, seaweedfs.secret_key, "s3")
    with signing_time(at=datetime.datetime.fromtimestamp(moment, UTC)):
        urls = [
            s3.generate_presigned_url(
                "get_object", Params={"Bucket": bucket, "Key": "day"}, ExpiresIn=2 * DAY
            ),
            signer.presign_url(
                "GET",
                f"{seaweedfs.url}/{bucket}/day",
                content_hash=UNSIGNED_PAYLOAD,
                expires=2 * DAY,
            ),
        ]
    for url in urls:
        query = parse_qs(urlsplit(url).query)
        assert query["X-Amz-Date"] == [time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(moment))]
        assert query["X-Amz-Credential"][0].split("/")[1] == _day(moment)
        assert send(url) == (200, b"either side")
