"""Temporary credentials under a fake time a year ahead and a year behind."""

from __future__ import annotations

import calendar
import importlib.util
import time
from pathlib import Path

import pytest

from tests.harness.endpoint import Endpoint
from tests.harness.faketime import DAY, Mount, run_client

# What a matrix session's pins change: run there too (see noxfile.py).
pytestmark = pytest.mark.pins

HAS_AIOBOTOCORE = importlib.util.find_spec("aiobotocore") is not None
OK = {"ok": True, "code": ""}


@pytest.mark.parametrize("days", [365, -365])
def test_assume_role_credentials_refresh_by_the_real_clock(
    faked: Mount, endpoint: Endpoint, days: int
) -> None:
    faked.jump(days * DAY)
    result = run_client("refreshable", faked, {"endpoint": endpoint.url, "patch": "import"})
    assert result["results"] == [OK] * 5
    assert endpoint.state.assume_role_calls == 1


def test_without_the_patch_a_year_ahead_credentials_look_expired_for_ever(
    faked: Mount, endpoint: Endpoint
) -> None:
    faked.jump(365 * DAY)
    result = run_client("refreshable", faked, {"endpoint": endpoint.url, "patch": "none"})
    # The AssumeRole call itself is refused, or the refreshed credentials are
    # still expired by the fake clock: no call succeeds.
    assert not any(outcome["ok"] for outcome in result["results"])


def test_without_the_patch_a_year_behind_is_refused(faked: Mount, endpoint: Endpoint) -> None:
    faked.jump(-365 * DAY)
    result = run_client(
        "refreshable", faked, {"endpoint": endpoint.url, "patch": "none", "calls": 1}
    )
    assert result["results"][0]["code"] == "SignatureDoesNotMatch"


def test_expired_credentials_are_refreshed_in_time(faked: Mount, endpoint: Endpoint) -> None:
    faked.jump(-365 * DAY)
    # Credentials that live 20 s in real time: inside botocore's mandatory
    # refresh window at once, so each call must fetch fresh ones, and none
    # may be sent expired.
    endpoint.state.assume_role_lifetime = 20
    result = run_client(
        "refreshable", faked, {"endpoint": endpoint.url, "patch": "import", "calls": 3}
    )
    assert result["results"] == [OK] * 3
    assert endpoint.state.assume_role_calls == 3


@pytest.mark.parametrize("days", [365, -365])
def test_instance_profile_credentials_fetched_once(
    faked: Mount, endpoint: Endpoint, days: int
) -> None:
    faked.jump(days * DAY)
    imds = {
        "AWS_EC2_METADATA_DISABLED": "false",
        "AWS_EC2_METADATA_SERVICE_ENDPOINT": endpoint.url + "/",
    }
    result = run_client(
        "imds", faked, {"endpoint": endpoint.url, "patch": "import", "calls": 5}, imds
    )
    assert result["method"] == "iam-role"
    assert result["results"] == [OK] * 5
    assert endpoint.state.imds_credential_fetches == 1


def test_instance_profile_without_the_patch_a_year_ahead(faked: Mount, endpoint: Endpoint) -> None:
    faked.jump(365 * DAY)
    imds = {
        "AWS_EC2_METADATA_DISABLED": "false",
        "AWS_EC2_METADATA_SERVICE_ENDPOINT": endpoint.url + "/",
    }
    result = run_client(
        "imds", faked, {"endpoint": endpoint.url, "patch": "none", "calls": 3}, imds
    )
    assert [outcome["code"] for outcome in result["results"]] == ["SignatureDoesNotMatch"] * 3


@pytest.mark.parametrize("days", [400, -400])
def test_retry_ttl_agrees_with_the_servers_clock(
    faked: Mount, endpoint: Endpoint, days: int
) -> None:
    """botocore derives the ttl from the server's Date header: no real-time read needed."""
    faked.jump(days * DAY)
    endpoint.state.fail_first = 1
    result = run_client("retry", faked, {"endpoint": endpoint.url, "patch": "import"})
    assert result["result"] == OK
    first, retry = endpoint.state.verdicts
    assert "ttl=" not in first.sdk_request
    fields = dict(part.strip().split("=") for part in retry.sdk_request.split(";"))
    assert fields["attempt"] == "2"
    ttl = calendar.timegm(time.strptime(fields["ttl"], "%Y%m%dT%H%M%SZ"))
    # The endpoint's clock plus botocore's 60 s read timeout, give or take.
    assert abs(ttl - (retry.received_at + 60)) < 10


def test_threads_entering_and_leaving(faked: Mount) -> None:
    faked.jump(400 * DAY)
    result = run_client("threads", faked, {"rounds": 30})
    real = result["clocks"]["real"]
    assert len(result["inside"]) == 16 * 30
    stamps = {calendar.timegm(time.strptime(stamp, "%Y%m%dT%H%M%SZ")) for stamp in result["inside"]}
    assert all(abs(stamp - real) < 120 for stamp in stamps)
    after = calendar.timegm(time.strptime(result["after"], "%Y%m%dT%H%M%SZ"))
    assert abs(after - (real + 400 * DAY)) < 120
    assert result["switch_on"] is False
    assert result["count"] == 0
    # 480 signatures, checked against the realtime file about once a second.
    assert 1 <= result["reads"] <= 10


@pytest.mark.skipif(not HAS_AIOBOTOCORE, reason="aiobotocore is not installed")
@pytest.mark.parametrize(("patch", "accepted"), [("none", False), ("import", True)])
def test_aiobotocore(faked: Mount, endpoint: Endpoint, patch: str, accepted: bool) -> None:
    faked.jump(400 * DAY)
    result = run_client("aio", faked, {"endpoint": endpoint.url, "patch": patch})
    assert {name: outcome["ok"] for name, outcome in result["results"].items()} == {
        "v4": accepted,
        "s3v4-post": accepted,
        "s3v4-query": accepted,
    }


def test_broken_realtime_file_sends_nothing(
    faked: Mount, endpoint: Endpoint, tmp_path: Path
) -> None:
    broken = tmp_path / "realtime"
    broken.write_text("not a time\n")
    faked.jump(400 * DAY)
    result = run_client(
        "schemes",
        faked,
        {"endpoint": endpoint.url, "patch": "import", "schemes": ["v4", "s3v4-query"]},
        {"FAKETIME_REALTIME_FILE": str(broken)},
    )
    for outcome in result["results"].values():
        assert outcome["code"].startswith("RealtimeError: ")
        assert str(broken) in outcome["code"]
        assert "'not a time\\n'" in outcome["code"]
    assert endpoint.state.verdicts == []
