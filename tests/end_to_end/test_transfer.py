"""boto3's S3 transfers when awscrt is installed, under libfaketime and libfaketimefs.

boto3's CRT transfer manager signs in C with the process clock (the faked
one): while real-time signing is on, boto3 is steered to its classic
transfer manager, which signs through botocore.
"""

from __future__ import annotations

import importlib.util

import pytest

from tests.harness.endpoint import Endpoint
from tests.harness.faketime import DAY, Mount, run_client

pytestmark = [
    pytest.mark.skipif(
        importlib.util.find_spec("awscrt") is None, reason="awscrt is not installed"
    ),
    pytest.mark.pins,  # what a matrix session's pins change: run there too
]


def _boto3_chooses_crt() -> bool:
    """Whether this boto3 takes its CRT transfer manager when asked for it, on this machine.

    Before 1.40.x it takes it only for "auto" on the instance types awscrt
    optimises for.
    """
    if importlib.util.find_spec("awscrt") is None:
        return False
    from boto3.s3.transfer import TransferConfig, _should_use_crt

    return bool(_should_use_crt(TransferConfig(preferred_transfer_client="crt")))


CHOOSES_CRT = _boto3_chooses_crt()

OK = {"ok": True, "code": ""}
STEERED = (
    "libfaketimefs_botocore: boto3's CRT transfer manager signs with the process clock: "
    "using its classic transfer manager while real-time signing is on"
)


@pytest.mark.parametrize("days", [400, -400])
def test_upload_and_download_use_the_classic_manager_and_are_accepted(
    faked: Mount, endpoint: Endpoint, days: int
) -> None:
    faked.jump(days * DAY)
    result = run_client(
        "transfer", faked, {"endpoint": endpoint.url, "patch": "import", "transfer_client": "crt"}
    )
    assert result["upload"] == OK
    assert result["download"] == OK
    assert result["log"].count(STEERED) == (1 if CHOOSES_CRT else 0)
    assert not any("Using CRT client" in line for line in result["log"])
    # PutObject, then HeadObject and GetObject.
    assert [(v.scheme, v.accepted) for v in endpoint.state.verdicts] == [("s3v4", True)] * 3
    assert result["downloaded_as_uploaded"] is True


@pytest.mark.skipif(not CHOOSES_CRT, reason="this boto3 does not take the CRT manager here")
def test_without_the_patch_boto3_takes_the_crt_manager(faked: Mount, endpoint: Endpoint) -> None:
    faked.jump(400 * DAY)
    result = run_client(
        "transfer", faked, {"endpoint": endpoint.url, "patch": "none", "transfer_client": "crt"}
    )
    assert any("Using CRT client" in line for line in result["log"])
    assert STEERED not in result["log"]
    assert not result["upload"]["ok"]


def test_the_crt_transfer_client_signs_with_the_real_time_on_for_good(
    faked: Mount, endpoint: Endpoint
) -> None:
    """The CRT signs in C, which no wrapper reaches: on for good under libfaketime, _awscrt's
    imports of the C clock are redirected, and it signs with the real time (inside
    realtime_signing() alone it does not: tests/end_to_end/test_native_clients.py)."""
    faked.jump(400 * DAY)
    result = run_client("s3transfer-crt", faked, {"endpoint": endpoint.url, "patch": "import"})
    if not endpoint.state.verdicts and "SOCKET" in result["upload"]["code"]:
        pytest.skip(f"this awscrt cannot reach a local endpoint: {result['upload']['code']}")
    assert result["upload"] == OK
    assert {verdict.code for verdict in endpoint.state.verdicts} == {""}


def test_the_classic_manager_is_left_alone_when_asked_for(faked: Mount, endpoint: Endpoint) -> None:
    faked.jump(400 * DAY)
    result = run_client(
        "transfer",
        faked,
        {"endpoint": endpoint.url, "patch": "import", "transfer_client": "classic"},
    )
    assert result["upload"] == OK
    assert STEERED not in result["log"]
