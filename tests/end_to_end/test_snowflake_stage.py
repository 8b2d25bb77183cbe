"""snowflake-connector-python 4.x's S3 stage client (sync and aio), checked by the endpoint.

No Snowflake account here: the client is made as the connector makes it for
a stage's PUT or GET, and sends a signed GET to the verifying endpoint,
which checks its signature and date.
"""

from __future__ import annotations

import importlib.util
import time

import pytest

from tests.harness import signer_packages as packages
from tests.harness.endpoint import Endpoint
from tests.harness.faketime import Mount
from tests.harness.other_signers_client import ACCESS_KEY, SECRET_KEY

pytest.importorskip("snowflake.connector")
pytestmark = pytest.mark.timeout(300)


# Its aio client came in a later 4.x release.
AIO = importlib.util.find_spec("snowflake.connector.aio") is not None
CLIENTS = ["sync", "aio"] if AIO else ["sync"]


def _run(endpoint: Endpoint, mount: Mount, case: tuple[str, int, str]) -> dict[str, object]:
    return packages.run_scenario(
        "snowflake-stage",
        mount,
        case,
        endpoint=endpoint.url,
        access_key=ACCESS_KEY,
        secret_key=SECRET_KEY,
        aio=AIO,
    )


@pytest.mark.parametrize("case", packages.CASES)
def test_accepted_under_every_faker(endpoint: Endpoint, faked: Mount, case: str) -> None:
    result = _run(endpoint, faked, packages.CASES[case])
    packages.assert_fake_time_kept(result)
    assert result["results"] == dict.fromkeys(CLIENTS, 200)
    verdicts = endpoint.state.verdicts
    assert len(verdicts) == len(CLIENTS)
    for verdict in verdicts:
        assert verdict.accepted, verdict
        assert verdict.scheme == "s3v4"
        assert verdict.signed_at is not None
        assert abs(verdict.signed_at - time.time()) < 120


@pytest.mark.parametrize("case", packages.REFUSED_CASES)
def test_refused_unpatched(endpoint: Endpoint, faked: Mount, case: str) -> None:
    result = _run(endpoint, faked, packages.REFUSED_CASES[case])
    assert result["results"] == dict.fromkeys(CLIENTS, 403)
    assert endpoint.state.verdicts
    assert not any(verdict.accepted for verdict in endpoint.state.verdicts)
