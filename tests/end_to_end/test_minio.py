"""minio against SeaweedFS, on HTTP and HTTPS, under every faker.

minio signs SigV4 itself; its POST policy's expiry is the program's to write,
here from ``libfaketimefs_botocore.real_time()`` (issue 32's done-when: a
policy so made, under libfaketime a year behind, accepted by SeaweedFS).
"""

from __future__ import annotations

import time

import pytest

from tests.harness import signer_packages as packages
from tests.harness.faketime import Mount
from tests.harness.seaweedfs import SeaweedFS

pytest.importorskip("minio")
pytestmark = pytest.mark.timeout(300)

STEPS = [
    "make_bucket",
    "put_object",
    "get_object",
    "list_objects",
    "presigned_get",
    "presigned_post",
]


@pytest.mark.parametrize("case", packages.CASES)
def test_accepted_under_every_faker(
    seaweedfs: SeaweedFS, faked: Mount, bucket: str, case: str
) -> None:
    result = packages.run("minio", seaweedfs, faked, bucket, packages.CASES[case])
    packages.assert_accepted(result, STEPS)
    steps = result["results"]
    assert steps["get_object"]["answer"] == "minio"
    assert steps["list_objects"]["answer"] == ["k.txt"]
    assert packages.fetched_from_here(steps["presigned_get"]["answer"]) == b"minio"
    assert abs(packages.amz_date(steps["presigned_get"]["answer"]) - time.time()) < 120
    packages.posted_from_here(steps["presigned_post"]["answer"])


@pytest.mark.parametrize("days", [400, -400])
def test_accepted_over_https_under_libfaketime(
    seaweedfs: SeaweedFS, faked: Mount, bucket: str, days: int
) -> None:
    """The handshake judged by the real time, and every signature with it."""
    case = ("libfaketime", days, "autopatch")
    result = packages.run("minio", seaweedfs, faked, bucket, case, https=True)
    packages.assert_accepted(result, STEPS)
    steps = result["results"]
    url = steps["presigned_get"]["answer"]
    assert url.startswith("https://")
    assert packages.fetched_from_here(url, seaweedfs.ca_bundle) == b"minio"
    packages.posted_from_here(steps["presigned_post"]["answer"], seaweedfs.ca_bundle)


@pytest.mark.parametrize("case", packages.REFUSED_CASES)
def test_refused_unpatched(seaweedfs: SeaweedFS, faked: Mount, bucket: str, case: str) -> None:
    result = packages.run("minio", seaweedfs, faked, bucket, packages.REFUSED_CASES[case])
    packages.assert_refused(result, "RequestTimeTooSkewed")


def test_over_https_unpatched_the_handshake_fails(
    seaweedfs: SeaweedFS, faked: Mount, bucket: str
) -> None:
    case = ("libfaketime", 400, "none")
    result = packages.run("minio", seaweedfs, faked, bucket, case, https=True)
    packages.assert_refused(result, "certificate has expired")
