"""Every signing scheme, through the verifying endpoint, under the real libfaketime."""

from __future__ import annotations

import importlib.util

import botocore
import pytest

from tests.harness.endpoint import Endpoint
from tests.harness.faketime import DAY, Mount, run_client

HAS_AWSCRT = importlib.util.find_spec("awscrt") is not None

PURE_SCHEMES = [
    "v4",
    "v4-query",
    "s3v4",
    "s3v4-query",
    "s3v4-post",
    "v2",
    "v3",
    "hmacv1",
    "hmacv1-query",
    "hmacv1-post",
]
CRT_SCHEMES = ["v4", "v4-query", "s3v4", "s3v4-query", "v4a"]

# S3 Express (directory buckets) arrived in botocore 1.33.2.
if tuple(int(part) for part in botocore.__version__.split(".")[:3]) >= (1, 33, 2):
    EXPRESS = ["s3express", "s3express-query", "s3express-post"]
    PURE_SCHEMES += EXPRESS
    CRT_SCHEMES += EXPRESS

SIGNERS = [pytest.param("python", id="python-signers")]
if HAS_AWSCRT:
    SIGNERS.append(pytest.param("crt", id="crt-signers"))


def _run(mount: Mount, endpoint: Endpoint, signers: str, patch: str) -> dict:
    crt = signers == "crt"
    result = run_client(
        "schemes",
        mount,
        {
            "endpoint": endpoint.url,
            "patch": patch,
            "schemes": CRT_SCHEMES if crt else PURE_SCHEMES,
        },
        extra_env={} if crt else {"BOTO_DISABLE_CRT": "true"},
    )
    assert result["crt"] is crt
    assert result["v4_signer"] == ("CrtSigV4Auth" if crt else "SigV4Auth")
    return result


def _assert_fake_clock(result: dict, days: int) -> None:
    skew = result["clocks"]["fake"] - result["clocks"]["real"]
    assert abs(skew - days * DAY) < 120, skew


@pytest.mark.parametrize("signers", SIGNERS)
@pytest.mark.parametrize("days", [400, -400])
def test_without_the_patch_aws_refuses_every_scheme(
    faked: Mount, endpoint: Endpoint, signers: str, days: int
) -> None:
    faked.jump(days * DAY)
    result = _run(faked, endpoint, signers, patch="none")
    _assert_fake_clock(result, days)
    accepted = {name for name, outcome in result["results"].items() if outcome["ok"]}
    assert accepted == set()
    assert all(not verdict.accepted for verdict in endpoint.state.verdicts)


@pytest.mark.parametrize("signers", SIGNERS)
@pytest.mark.parametrize("days", [400, -400])
@pytest.mark.parametrize("patch", ["import", "call", "context"])
def test_with_the_patch_aws_accepts_every_scheme(
    faked: Mount, endpoint: Endpoint, signers: str, days: int, patch: str
) -> None:
    faked.jump(days * DAY)
    result = _run(faked, endpoint, signers, patch=patch)
    _assert_fake_clock(result, days)
    assert result["results"] == {name: {"ok": True, "code": ""} for name in result["results"]}
    real = result["clocks"]["real"]
    schemes = {verdict.scheme for verdict in endpoint.state.verdicts}
    expected = set(CRT_SCHEMES if signers == "crt" else PURE_SCHEMES)
    if "s3express" in expected:
        expected.add("s3express-create-session")
    assert schemes == expected
    for verdict in endpoint.state.verdicts:
        assert verdict.accepted
        if verdict.signed_at is not None:
            assert abs(verdict.signed_at - real) < 120
