"""HTTPS through truststore (injected before the library or after) and pyOpenSSL, judged by the
real time for the hosts signed for, under libfaketime a year ahead and behind.

truststore puts its own ``SSLContext`` class in the ``ssl`` module; its
connections are made by a standard-library context it holds. pyOpenSSL's are
OpenSSL connections of its own (urllib3's ``inject_into_urllib3()``, as
Snowflake's connector 4.x does with its vendored urllib3). In each, the
program's own call to another host name keeps the fake clock.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.harness import signer_packages as packages
from tests.harness.faketime import Mount
from tests.harness.seaweedfs import SeaweedFS

pytestmark = pytest.mark.timeout(300)

STACKS = ["truststore-first", "truststore-after", "pyopenssl"]
EXPIRED, NOT_YET_VALID = "certificate has expired", "not yet valid"
# pyOpenSSL says only that the verification failed.
FAILED = {
    "truststore-first": None,
    "truststore-after": None,
    "pyopenssl": "certificate verify failed",
}


def _run(seaweedfs: SeaweedFS, mount: Mount, stack: str, days: int, patch: str) -> dict[str, Any]:
    pytest.importorskip("truststore" if stack.startswith("truststore") else "OpenSSL")
    return packages.run_scenario(
        "tls-stack",
        mount,
        ("libfaketime", days, patch),
        stack=stack,
        endpoint=seaweedfs.https_url,
        ca_bundle=seaweedfs.ca_bundle,
        access_key=seaweedfs.access_key,
        secret_key=seaweedfs.secret_key,
    )


def _refusal(stack: str, days: int) -> str:
    return FAILED[stack] or (EXPIRED if days > 0 else NOT_YET_VALID)


@pytest.mark.parametrize("days", [400, -400])
@pytest.mark.parametrize("stack", STACKS)
def test_the_hosts_signed_for_are_judged_by_the_real_time(
    seaweedfs: SeaweedFS, faked: Mount, stack: str, days: int
) -> None:
    result = _run(seaweedfs, faked, stack, days, "import")
    assert result["signed"] == {"ok": True, "code": ""}, result
    # The program's own HTTPS to a host no signer signed for: its fake clock.
    assert not result["own_call"]["ok"]
    assert (EXPIRED if days > 0 else NOT_YET_VALID) in result["own_call"]["code"]
    if stack.startswith("truststore"):
        assert result["context_type"] == "truststore._api"


@pytest.mark.parametrize("stack", STACKS)
def test_unpatched_the_handshake_fails(seaweedfs: SeaweedFS, faked: Mount, stack: str) -> None:
    result = _run(seaweedfs, faked, stack, 400, "none")
    assert not result["signed"]["ok"]
    assert _refusal(stack, 400) in result["signed"]["code"], result
