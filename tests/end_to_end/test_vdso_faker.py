"""Under a vDSO faker (Chaos Mesh's TimeChaos, fake-time-injector's watchmaker): the tests' own.

No LD_PRELOAD of clock functions, no FAKETIME: the vDSO's wall clock is
overwritten in the process (tests/harness/vdso_faker.c), from its start or
mid-run, a year ahead or behind. An unmodified boto3 program with the
autopatch variable, against SeaweedFS over HTTPS with no resend: a
presigned URL made before any request is dated with the real time and
accepted, the first request's signature and certificate check are right,
``real_time()`` is real, and the program keeps its fake time. Refused
without the library; ``check`` names the faker and the real skew.
"""

from __future__ import annotations

import calendar
import json
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.harness.faketime import DAY, run_client, run_faked
from tests.harness.seaweedfs import SeaweedFS
from tests.harness.unfaked_http import send
from tests.harness.vdso_faker import VdsoFaker, build

pytestmark = pytest.mark.timeout(180)
VDSO_CLIENT = Path(__file__).parents[1] / "harness" / "vdso_client.py"
AUTOPATCH = {"LIBFAKETIMEFS_BOTOCORE_AUTOPATCH": "1"}


@pytest.fixture(scope="module")
def faker(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("vdso-faker"))


def _run(
    faker: Path, seaweedfs: SeaweedFS, bucket: str, days: int, at_start: bool, env: Any
) -> dict[str, Any]:
    return run_client(
        "boto3",
        VdsoFaker(faker, days * DAY, at_start),
        {**seaweedfs.client_options(https=True), "bucket": bucket},
        extra_env=env,
        program=VDSO_CLIENT,
    )


def _amz_seconds(amz_date: str) -> float:
    return calendar.timegm(time.strptime(amz_date, "%Y%m%dT%H%M%SZ"))


@pytest.mark.parametrize("at_start", [True, False], ids=["from-the-start", "mid-run"])
@pytest.mark.parametrize("days", [400, -400], ids=["+400d", "-400d"])
def test_boto3_is_right_under_a_vdso_faker(
    faker: Path, seaweedfs: SeaweedFS, bucket: str, days: int, at_start: bool
) -> None:
    seaweedfs.create_bucket(bucket)
    result = _run(faker, seaweedfs, bucket, days, at_start, AUTOPATCH)
    if not at_start:
        assert result["before"]["ok"], result
    assert result["put"]["ok"], result
    assert abs(_amz_seconds(result["presigned_date"]) - time.time()) < 60
    assert send(result["presigned"], cafile=seaweedfs.ca_bundle) == (200, b"vdso")
    assert result["real_time"]["ok"]
    assert abs(result["real_time"]["answer"] - time.time()) < 60
    assert abs(result["process"] - time.time() - days * DAY) < 2 * DAY  # the program's clock


def test_refused_without_the_library(faker: Path, seaweedfs: SeaweedFS, bucket: str) -> None:
    seaweedfs.create_bucket(bucket)
    result = _run(faker, seaweedfs, bucket, 400, True, None)
    assert not result["put"]["ok"]
    assert abs(_amz_seconds(result["presigned_date"]) - time.time() - 400 * DAY) < 2 * DAY


def test_check_names_the_vdso_faker_and_the_real_skew(faker: Path) -> None:
    done = run_faked(
        [sys.executable, "-m", "libfaketimefs_botocore", "check", "--json"],
        VdsoFaker(faker, 400 * DAY),
        timeout=120,
    )
    report = json.loads(done.stdout)
    assert report["libfaketime_preloaded"] is False
    assert abs(report["vdso_offset_seconds"] - 400 * DAY) < 60
    assert any("vDSO faker" in line for line in report["fakers"]), report["fakers"]
    assert abs(report["skew_seconds"] - 400 * DAY) < 120
    assert report["unpatched_request_refused"] is True
    assert abs(report["realtime"] - time.time()) < 60
    assert report["tls"].startswith("the real time")
    # The native clients installed here are named, with the vDSO as the reason.
    assert report["native_clients"], report
    assert all(
        "NOT REACHED: the C clock is faked in the vDSO" in line for line in report["native_clients"]
    )
