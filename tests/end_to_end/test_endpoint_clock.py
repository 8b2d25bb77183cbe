"""Endpoints whose clock is not the real time: learnt from their refusals, one by one."""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest

from tests.harness.endpoint import Endpoint
from tests.harness.faketime import DAY, ClockSetup, Mount, Unfaked, run_client
from tests.harness.schemes import SIGNERS, signer_environment

# What a matrix session's pins change: run there too (see noxfile.py).
pytestmark = pytest.mark.pins

HAS_AIOBOTOCORE = importlib.util.find_spec("aiobotocore") is not None

HOUR = 3600
OK = {"ok": True, "code": ""}


def _calls(
    setup: ClockSetup,
    calls: list[tuple[Endpoint, str]],
    patch: str = "import",
    signers: str = "python",
    env: dict[str, str] | None = None,
    **options: Any,
) -> list[dict[str, Any]]:
    result = run_client(
        "calls",
        setup,
        {"patch": patch, "calls": [(e.url, call) for e, call in calls], **options},
        {**signer_environment(signers), **(env or {})},
    )
    return result["before"] + result["results"]  # type: ignore[no-any-return]


def _codes(endpoint: Endpoint) -> list[str]:
    return [verdict.code for verdict in endpoint.state.verdicts]


FIRST_CALLS = [
    pytest.param("sts", "SignatureDoesNotMatch", id="query"),
    pytest.param("dynamodb", "InvalidSignatureException", id="json"),
    pytest.param("s3", "RequestTimeTooSkewed", id="s3"),
]


@pytest.mark.parametrize("offset", [HOUR, -HOUR])
@pytest.mark.parametrize(("first", "refusal"), FIRST_CALLS)
def test_unpatched_every_call_is_refused(
    endpoint: Endpoint, offset: int, first: str, refusal: str
) -> None:
    endpoint.put_clock(offset)
    results = _calls(Unfaked(), [(endpoint, first), (endpoint, "sts")], patch="none")
    assert [outcome["ok"] for outcome in results] == [False, False]
    assert _codes(endpoint) == [refusal, "SignatureDoesNotMatch"]


@pytest.mark.parametrize("signers", SIGNERS)
@pytest.mark.parametrize("retry_mode", ["standard", "legacy"])
@pytest.mark.parametrize("offset", [HOUR, -HOUR])
@pytest.mark.parametrize(("first", "refusal"), FIRST_CALLS)
def test_first_request_refused_once_then_everything_accepted(
    endpoint: Endpoint, offset: int, first: str, refusal: str, retry_mode: str, signers: str
) -> None:
    endpoint.put_clock(offset)
    calls = [first, "sts", "dynamodb", "s3", "presigned-url", "presigned-post", "sts"]
    results = _calls(
        Unfaked(), [(endpoint, call) for call in calls], signers=signers, retry_mode=retry_mode
    )
    assert results == [OK] * len(calls)
    codes = _codes(endpoint)
    # The first request is refused once and accepted when sent again at once;
    # every later one, presigned ones included, at its first attempt.
    assert codes[0] == refusal
    assert codes[1:] == [""] * (len(codes) - 1)
    for verdict in endpoint.state.verdicts[1:]:
        if verdict.signed_at is not None:
            assert abs(verdict.signed_at - verdict.received_at) < 60


def test_two_endpoints_with_their_own_clocks(endpoint: Endpoint, other_endpoint: Endpoint) -> None:
    endpoint.put_clock(HOUR)
    other_endpoint.put_clock(-HOUR)
    calls = [
        (e, call) for _ in range(3) for call in ("sts", "s3") for e in (endpoint, other_endpoint)
    ]
    results = _calls(Unfaked(), calls)
    assert results == [OK] * len(calls)
    for server in (endpoint, other_endpoint):
        codes = _codes(server)
        assert codes[0] == "SignatureDoesNotMatch"
        assert codes[1:] == [""] * (len(codes) - 1)


def test_an_endpoint_on_the_real_time_beside_one_that_is_not(
    endpoint: Endpoint, other_endpoint: Endpoint
) -> None:
    endpoint.put_clock(HOUR)
    results = _calls(Unfaked(), [(endpoint, "sts"), (other_endpoint, "sts"), (endpoint, "sts")])
    assert results == [OK] * 3
    assert _codes(endpoint) == ["SignatureDoesNotMatch", "", ""]
    assert _codes(other_endpoint) == [""]


@pytest.mark.parametrize("days", [400, -400])
def test_under_libfaketime_and_libfaketimefs(faked: Mount, endpoint: Endpoint, days: int) -> None:
    faked.jump(days * DAY)
    endpoint.put_clock(HOUR)
    calls = ["s3", "sts", "presigned-url", "presigned-post", "dynamodb"]
    results = _calls(faked, [(endpoint, call) for call in calls])
    assert results == [OK] * len(calls)
    codes = _codes(endpoint)
    assert codes[0] == "RequestTimeTooSkewed"
    assert codes[1:] == [""] * (len(codes) - 1)


def test_turned_off_by_the_variable(endpoint: Endpoint) -> None:
    endpoint.put_clock(HOUR)
    results = _calls(
        Unfaked(),
        [(endpoint, "sts"), (endpoint, "sts")],
        env={"LIBFAKETIMEFS_BOTOCORE_CORRECT_SKEW": "0"},
    )
    assert [outcome["code"] for outcome in results] == ["SignatureDoesNotMatch"] * 2
    assert _codes(endpoint) == ["SignatureDoesNotMatch"] * 2


def test_a_refusal_while_the_switch_is_off_teaches_nothing(endpoint: Endpoint) -> None:
    endpoint.put_clock(HOUR)
    results = _calls(
        Unfaked(),
        [(endpoint, "sts"), (endpoint, "sts")],
        patch="context",
        before=[(endpoint.url, "sts")],
    )
    assert [outcome["ok"] for outcome in results] == [False, True, True]
    # Refused with the switch off; then refused once more, inside the block.
    assert _codes(endpoint) == ["SignatureDoesNotMatch", "SignatureDoesNotMatch", "", ""]


@pytest.mark.skipif(not HAS_AIOBOTOCORE, reason="aiobotocore is not installed")
@pytest.mark.parametrize("offset", [HOUR, -HOUR])
def test_aiobotocore(endpoint: Endpoint, offset: int) -> None:
    endpoint.put_clock(offset)
    result = run_client("aio", Unfaked(), {"endpoint": endpoint.url, "patch": "import"})
    assert result["results"] == {"v4": OK, "s3v4-post": OK, "s3v4-query": OK}
    codes = _codes(endpoint)
    assert codes[0] == "SignatureDoesNotMatch"
    assert codes[1:] == [""] * (len(codes) - 1)


def test_a_small_difference_teaches_nothing(endpoint: Endpoint) -> None:
    # Within AWS's five minutes: accepted, and nothing to learn.
    endpoint.put_clock(200)
    results = _calls(Unfaked(), [(endpoint, "sts"), (endpoint, "presigned-url")])
    assert results == [OK] * 2
    assert _codes(endpoint) == ["", ""]


def test_the_body_of_a_refused_upload_is_sent_again_whole(endpoint: Endpoint) -> None:
    endpoint.put_clock(-HOUR)
    results = _calls(Unfaked(), [(endpoint, "s3")])
    assert results == [OK]
    # PutObject refused, PutObject again (its payload hash checked), GetObject.
    assert _codes(endpoint) == ["RequestTimeTooSkewed", "", ""]
    assert endpoint.state.objects["/bucket/body.bin"]
