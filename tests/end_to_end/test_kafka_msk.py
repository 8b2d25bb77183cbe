"""kafka-python's MSK IAM token, checked by the verifying endpoint.

No Kafka broker runs here, so the token is checked as MSK checks it: a SigV4
presigned ``GET /?Action=kafka-cluster:Connect`` for the broker's host,
which the endpoint verifies (signature, date, expiry) when this unfaked
process sends it, with the broker's host being the endpoint's address.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

import pytest

from tests.harness import signer_packages as packages
from tests.harness.endpoint import Endpoint
from tests.harness.faketime import Mount
from tests.harness.other_signers_client import ACCESS_KEY, SECRET_KEY
from tests.harness.unfaked_http import send

pytest.importorskip("kafka")

QUERY = ["algorithm", "credential", "date", "expires", "signedheaders", "signature"]
CAPITALS = {"signedheaders": "SignedHeaders"}


def _token(endpoint: Endpoint, mount: Mount, case: tuple[str, int, str]) -> dict[str, Any]:
    return packages.run_scenario(
        "msk-token",
        mount,
        case,
        endpoint=endpoint.url,
        access_key=ACCESS_KEY,
        secret_key=SECRET_KEY,
    )


def _sent(endpoint: Endpoint, token: dict[str, str]) -> int:
    """The token as the presigned URL it is, sent to the endpoint by this process."""
    pairs = [("Action", token["action"])]
    pairs += [
        (f"X-Amz-{CAPITALS.get(name, name.title())}", token[f"x-amz-{name}"]) for name in QUERY
    ]
    query = "&".join(f"{name}={quote(value, safe='-_.~')}" for name, value in pairs)
    status, _ = send(f"{endpoint.url}/?{query}")
    return status


@pytest.mark.parametrize("case", packages.CASES)
def test_accepted_under_every_faker(endpoint: Endpoint, faked: Mount, case: str) -> None:
    result = _token(endpoint, faked, packages.CASES[case])
    packages.assert_fake_time_kept(result)
    assert _sent(endpoint, result["token"]) == 200
    (verdict,) = endpoint.state.verdicts
    assert verdict.accepted, verdict
    assert verdict.scheme == "v4-query"
    assert verdict.signed_at is not None
    assert abs(verdict.signed_at - time.time()) < 120


@pytest.mark.parametrize("case", packages.REFUSED_CASES)
def test_refused_unpatched(endpoint: Endpoint, faked: Mount, case: str) -> None:
    result = _token(endpoint, faked, packages.REFUSED_CASES[case])
    assert _sent(endpoint, result["token"]) == 403
    (verdict,) = endpoint.state.verdicts
    assert not verdict.accepted
