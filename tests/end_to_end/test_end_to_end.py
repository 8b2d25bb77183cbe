"""Every signing scheme, through the verifying endpoint, under the real libfaketime."""

from __future__ import annotations

import pytest

from tests.harness.endpoint import Endpoint
from tests.harness.faketime import DAY, Mount
from tests.harness.schemes import SIGNERS, run_schemes, verdict_schemes


def _assert_fake_clock(result: dict, days: int) -> None:
    skew = result["clocks"]["fake"] - result["clocks"]["real"]
    assert abs(skew - days * DAY) < 120, skew


@pytest.mark.pins  # what a matrix session's pins change: run there too
@pytest.mark.parametrize("signers", SIGNERS)
@pytest.mark.parametrize("days", [400, -400])
def test_without_the_patch_aws_refuses_every_scheme(
    faked: Mount, endpoint: Endpoint, signers: str, days: int
) -> None:
    faked.jump(days * DAY)
    result = run_schemes(faked, endpoint, signers, patch="none")
    _assert_fake_clock(result, days)
    accepted = {name for name, outcome in result["results"].items() if outcome["ok"]}
    assert accepted == set()
    assert all(not verdict.accepted for verdict in endpoint.state.verdicts)


@pytest.mark.parametrize("signers", SIGNERS)
@pytest.mark.parametrize("days", [400, -400])
# The matrix's pins change the schemes, not how the library is turned on: one way there.
@pytest.mark.parametrize(
    "patch", [pytest.param("import", marks=pytest.mark.pins), "call", "context"]
)
def test_with_the_patch_aws_accepts_every_scheme(
    faked: Mount, endpoint: Endpoint, signers: str, days: int, patch: str
) -> None:
    faked.jump(days * DAY)
    result = run_schemes(faked, endpoint, signers, patch=patch)
    _assert_fake_clock(result, days)
    assert result["results"] == {name: {"ok": True, "code": ""} for name in result["results"]}
    real = result["clocks"]["real"]
    assert {verdict.scheme for verdict in endpoint.state.verdicts} == verdict_schemes(signers)
    for verdict in endpoint.state.verdicts:
        assert verdict.accepted
        if verdict.signed_at is not None:
            assert abs(verdict.signed_at - real) < 120


@pytest.mark.pins
@pytest.mark.parametrize("signers", SIGNERS)
@pytest.mark.parametrize("days", [400, -400])
def test_a_chosen_signing_time_moves_every_scheme(
    faked: Mount, endpoint: Endpoint, signers: str, days: int
) -> None:
    """signing_time(floor=2 min) alone, nothing else on: every scheme signs with the floored
    real time, and S3 Express's session credentials are judged by the real time."""
    faked.jump(days * DAY)
    result = run_schemes(faked, endpoint, signers, patch="signing-time-floor")
    _assert_fake_clock(result, days)
    assert result["results"] == {name: {"ok": True, "code": ""} for name in result["results"]}
    assert {verdict.scheme for verdict in endpoint.state.verdicts} == verdict_schemes(signers)
    for verdict in endpoint.state.verdicts:
        assert verdict.accepted
        if verdict.signed_at is not None:
            assert verdict.signed_at % 120 == 0, verdict
            assert 0 <= verdict.received_at - verdict.signed_at < 130, verdict
