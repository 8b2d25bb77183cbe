"""AWS's signers that are not botocore's, end to end: aws-sdk-signers (under the smithy-python
SDKs) against SeaweedFS, a smithy-python client (Bedrock Runtime) against the verifying
endpoint, awscrt's signer with no date against SeaweedFS, and the event-stream signers' :date.

aws-sdk-signers and the smithy packages need Python 3.12 or later, so these run in a matrix
session of their own (`nox -s smithy`) and are skipped elsewhere; awscrt's own signer and
amazon-transcribe's event signer run wherever they are installed.
"""

from __future__ import annotations

import importlib.util
import time
from typing import Any

import pytest

from tests.harness.endpoint import ACCESS_KEY, SECRET_KEY, Endpoint
from tests.harness.faketime import (
    DAY,
    SMITHY_CLIENT,
    ClockSetup,
    Libfaketime,
    Mount,
    Unfaked,
    run_client,
)
from tests.harness.seaweedfs import SeaweedFS

pytestmark = [pytest.mark.timeout(300), pytest.mark.smithy]


def _installed(*names: str) -> bool:
    return all(importlib.util.find_spec(name) is not None for name in names)


SMITHY = _installed("aws_sdk_signers", "smithy_aws_core", "aws_sdk_bedrock_runtime")
needs_smithy = pytest.mark.skipif(not SMITHY, reason="no smithy-python SDKs (Python >= 3.12)")

# What signs a request that SeaweedFS verifies, and what only reads a time.
SEAWEEDFS_CALLS = [
    *(["sigv4-signer", "async-sigv4-signer"] if SMITHY else []),
    *(["crt-signer"] if _installed("awscrt") else []),
]
LOCAL_CALLS = [
    *(["aws-sdk-signers-expiry", "smithy-expiry", "event-signer"] if SMITHY else []),
    *(["transcribe-event-signer"] if _installed("amazon_transcribe") else []),
]
CALLS = SEAWEEDFS_CALLS + LOCAL_CALLS


def _run(
    setup: ClockSetup,
    seaweedfs: SeaweedFS,
    endpoint: Endpoint,
    bucket: str,
    patch: str,
    calls: list[str],
    faker: dict[str, Any] | None = None,
    https: bool = False,
) -> dict[str, Any]:
    seaweedfs.create_bucket(bucket)
    return run_client(
        "sign",
        setup,
        {
            "endpoint": seaweedfs.https_url if https else seaweedfs.url,
            "access_key": seaweedfs.access_key,
            "secret_key": seaweedfs.secret_key,
            "bucket": bucket,
            "verifier": endpoint.url,
            "verifier_access_key": ACCESS_KEY,
            "verifier_secret_key": SECRET_KEY,
            "real_now": time.time(),
            "patch": patch,
            "calls": calls,
            "faker": faker,
        },
        extra_env={
            **({"LIBFAKETIMEFS_BOTOCORE_AUTOPATCH": "1"} if patch == "autopatch" else {}),
            **({"AWS_CA_BUNDLE": seaweedfs.ca_bundle} if https else {}),
        },
        program=SMITHY_CLIENT,
    )


def _setup(name: str, mount: Mount) -> ClockSetup:
    if name.startswith("libfaketimefs"):
        mount.jump(int(name.split()[-1].rstrip("d")) * DAY)
        return mount
    return Libfaketime(name.split()[-1])


SETUPS = ["libfaketime +400d", "libfaketime -400d", "libfaketimefs +400d", "libfaketimefs -400d"]


@pytest.mark.skipif(not CALLS, reason="none of these signers is installed")
@pytest.mark.parametrize("setup_name", SETUPS)
def test_unmodified_program_with_autopatch(
    seaweedfs: SeaweedFS,
    endpoint: Endpoint,
    faked: Mount,
    bucket: str,
    setup_name: str,
) -> None:
    """A program that imports no botocore, its clock 400 days off: every signature accepted,
    every expiry and event date judged by the real time."""
    calls = CALLS + (["bedrock-runtime"] if SMITHY else [])
    result = _run(_setup(setup_name, faked), seaweedfs, endpoint, bucket, "autopatch", calls)
    assert abs(result["fake"] - time.time()) > 399 * DAY
    assert result["results"] == {name: {"ok": True, "code": ""} for name in calls}
    if SMITHY:
        assert endpoint.state.verdicts
        for verdict in endpoint.state.verdicts:
            assert verdict.accepted, verdict
            assert verdict.signed_at is not None
            assert abs(verdict.signed_at - time.time()) < 120


@pytest.mark.skipif(not CALLS, reason="none of these signers is installed")
@pytest.mark.parametrize("setup_name", ["libfaketime +400d", "libfaketime -400d"])
def test_unpatched_every_signer_signs_the_fake_time(
    seaweedfs: SeaweedFS, endpoint: Endpoint, faked: Mount, bucket: str, setup_name: str
) -> None:
    calls = CALLS + (["bedrock-runtime"] if SMITHY else [])
    result = _run(_setup(setup_name, faked), seaweedfs, endpoint, bucket, "none", calls)
    refused = {name: outcome["ok"] for name, outcome in result["results"].items()}
    assert refused == dict.fromkeys(calls, False), result["results"]
    for name in SEAWEEDFS_CALLS:
        assert result["results"][name]["code"] == "RequestTimeTooSkewed"
    if SMITHY:
        assert [verdict.accepted for verdict in endpoint.state.verdicts] == [False]


@pytest.mark.skipif(not CALLS, reason="none of these signers is installed")
@pytest.mark.parametrize("faker", ["freezegun", "time-machine"])
@pytest.mark.parametrize("days", [400, -400])
def test_a_faker_in_the_program_with_realtime_signing(
    seaweedfs: SeaweedFS, endpoint: Endpoint, bucket: str, faker: str, days: int
) -> None:
    calls = CALLS + (["bedrock-runtime"] if SMITHY else [])
    result = _run(
        Unfaked(), seaweedfs, endpoint, bucket, "context", calls, {"name": faker, "days": days}
    )
    assert abs(result["fake"] - time.time() - days * DAY) < 120
    assert result["results"] == {name: {"ok": True, "code": ""} for name in calls}


@needs_smithy
@pytest.mark.parametrize("days", [400, -400])
@pytest.mark.parametrize("patch", ["import", "none"])
def test_aws_sdk_signers_over_https(
    seaweedfs: SeaweedFS, endpoint: Endpoint, bucket: str, patch: str, days: int
) -> None:
    """SigV4Signer's and AsyncSigV4Signer's requests to SeaweedFS's HTTPS endpoint: the host
    they signed for has its certificate judged by the real time; unpatched, the fake one."""
    calls = ["sigv4-signer", "async-sigv4-signer"]
    result = _run(Libfaketime(f"{days:+d}d"), seaweedfs, endpoint, bucket, patch, calls, https=True)
    for name in calls:
        outcome = result["results"][name]
        if patch == "none":
            verdict = "certificate has expired" if days > 0 else "certificate is not yet valid"
            assert verdict in outcome["code"], (name, outcome)
        else:
            assert outcome == {"ok": True, "code": ""}, name


@needs_smithy
@pytest.mark.parametrize("patch", ["import", "none"])
def test_a_smithy_client_learns_the_endpoint_clock_from_its_refusal(
    seaweedfs: SeaweedFS, endpoint: Endpoint, bucket: str, patch: str
) -> None:
    """The endpoint's clock an hour ahead, under libfaketime 400 days ahead: a Bedrock Runtime
    client alone is refused for its time once, learns the clock from the refusal's Date, and
    is sent again at once, with the endpoint's time; unpatched, it is refused for the fake time."""
    offset = endpoint.put_clock(3600.0)
    result = _run(Libfaketime("+400d"), seaweedfs, endpoint, bucket, patch, ["bedrock-runtime"])
    verdicts = endpoint.state.verdicts
    if patch == "none":
        assert result["results"]["bedrock-runtime"]["ok"] is False
        assert [verdict.accepted for verdict in verdicts] == [False]
        return
    assert result["results"] == {"bedrock-runtime": {"ok": True, "code": ""}}
    assert [verdict.accepted for verdict in verdicts] == [False, True]
    accepted = verdicts[1]
    assert accepted.signed_at is not None
    assert abs(accepted.signed_at - (time.time() + offset)) < 120


@needs_smithy
def test_an_endpoint_clock_learned_by_botocore_applies_to_a_smithy_client(
    seaweedfs: SeaweedFS, endpoint: Endpoint, bucket: str
) -> None:
    """The endpoint's clock an hour ahead: aws-sdk-signers signs for ``request.destination``,
    so a clock botocore learned for that endpoint applies to a Bedrock Runtime client's
    signatures, which are accepted at the first attempt."""
    offset = endpoint.put_clock(3600.0)
    result = _run(
        Libfaketime("+400d"),
        seaweedfs,
        endpoint,
        bucket,
        "import",
        ["botocore-learns", "bedrock-runtime"],
    )
    assert result["results"] == {
        "botocore-learns": {"ok": True, "code": ""},
        "bedrock-runtime": {"ok": True, "code": ""},
    }
    refused, *accepted = endpoint.state.verdicts
    assert not refused.accepted
    assert [verdict.accepted for verdict in accepted] == [True, True]
    for verdict in accepted:
        assert verdict.signed_at is not None
        assert abs(verdict.signed_at - (time.time() + offset)) < 120
