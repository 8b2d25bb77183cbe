"""aioaws against SeaweedFS's HTTPS under every faker: requests and POST policies.

aioaws speaks HTTPS only, so the handshake is judged too. Its presigned GET
signs the configured host whole, which here carries the bucket's path
(SeaweedFS takes the path style, aioaws writes the virtual host's): no server
would take it, so only its X-Amz-Date is checked.
"""

from __future__ import annotations

import time

import pytest

from tests.harness import signer_packages as packages
from tests.harness.faketime import Mount
from tests.harness.seaweedfs import SeaweedFS

pytest.importorskip("aioaws")
pytestmark = pytest.mark.timeout(300)

STEPS = ["list_objects", "put_object", "delete_objects", "presigned_get", "presigned_post"]


@pytest.mark.parametrize("case", packages.CASES)
def test_accepted_under_every_faker(
    seaweedfs: SeaweedFS, faked: Mount, bucket: str, case: str
) -> None:
    seaweedfs.create_bucket(bucket)
    result = packages.run("aioaws", seaweedfs, faked, bucket, packages.CASES[case], https=True)
    packages.assert_accepted(result, STEPS)
    steps = result["results"]
    assert steps["delete_objects"]["answer"] == ["k.txt"]
    assert abs(packages.amz_date(steps["presigned_get"]["answer"]) - time.time()) < 120
    packages.posted_from_here(steps["presigned_post"]["answer"], seaweedfs.ca_bundle)


@pytest.mark.parametrize("case", packages.REFUSED_CASES)
def test_refused_unpatched(seaweedfs: SeaweedFS, faked: Mount, bucket: str, case: str) -> None:
    seaweedfs.create_bucket(bucket)
    result = packages.run(
        "aioaws", seaweedfs, faked, bucket, packages.REFUSED_CASES[case], https=True
    )
    if packages.REFUSED_CASES[case][0] == "libfaketime":
        # The handshake fails first, judged by the fake clock.
        packages.assert_refused(
            result, "certificate has expired" if "+" in case else "not yet valid"
        )
    else:
        packages.assert_refused(result, "RequestTimeTooSkewed")
