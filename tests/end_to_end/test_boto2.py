"""boto 2 against SeaweedFS under every faker: SigV4 requests and presigned URLs.

SeaweedFS does not check the Date of SigV2 and HmacV1 header auth; it does
check the Expires of a SigV2 presigned URL, which is sent from here.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.harness import signer_packages as packages
from tests.harness.faketime import Mount
from tests.harness.seaweedfs import SeaweedFS

pytest.importorskip("boto")
pytestmark = pytest.mark.timeout(300)

STEPS = [
    "create_bucket",
    "put_object",
    "get_object",
    "list_objects",
    "presigned_get",
    "presigned_get_v2",
]


@pytest.mark.parametrize("case", packages.CASES)
def test_accepted_under_every_faker(
    seaweedfs: SeaweedFS, faked: Mount, bucket: str, case: str
) -> None:
    result = packages.run("boto", seaweedfs, faked, bucket, packages.CASES[case])
    packages.assert_accepted(result, STEPS)
    steps = result["results"]
    assert steps["get_object"]["answer"] == "boto2"
    assert steps["list_objects"]["answer"] == ["k.txt"]
    # boto 2 signs a presigned SigV4 URL's host without the port, which no server
    # on a port of its own takes (SignatureDoesNotMatch, faked or not): its date is checked.
    assert abs(packages.amz_date(steps["presigned_get"]["answer"]) - time.time()) < 120
    # The SigV2 one is sent: SeaweedFS refuses it once its Expires is past.
    v2 = steps["presigned_get_v2"]["answer"]
    assert abs(int(parse_qs(urlsplit(v2).query)["Expires"][0]) - time.time() - 3600) < 120
    assert packages.fetched_from_here(v2) == b"boto2"


@pytest.mark.parametrize("case", packages.REFUSED_CASES)
def test_refused_unpatched(seaweedfs: SeaweedFS, faked: Mount, bucket: str, case: str) -> None:
    result = packages.run("boto", seaweedfs, faked, bucket, packages.REFUSED_CASES[case])
    packages.assert_refused(result, "RequestTimeTooSkewed")
