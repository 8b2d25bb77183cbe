"""Every order of import botocore / turn the patch on / create a client, then sign.

Each order runs in a fresh process under the real libfaketime, a year ahead.
"""

from __future__ import annotations

import itertools

import pytest

from tests.harness.endpoint import Endpoint
from tests.harness.faketime import DAY, Mount, run_client

# What a matrix session's pins change: run there too (see noxfile.py).
pytestmark = pytest.mark.pins

ORDERS = [
    [*order, "sign"]
    for patch in ("patch-import", "patch-call")
    for order in itertools.permutations(["import", patch, "client"])
]
ORDERS.append(["patch-call", "patch-import", "patch-call", "client", "sign"])


@pytest.mark.parametrize("steps", ORDERS, ids=["-".join(steps) for steps in ORDERS])
def test_every_order_signs_with_the_real_time(
    faked: Mount, endpoint: Endpoint, steps: list[str]
) -> None:
    faked.jump(400 * DAY)
    result = run_client("order", faked, {"endpoint": endpoint.url, "steps": steps})
    assert result["call"] == {"ok": True, "code": ""}
    assert result["presigned"] == {"ok": True, "code": ""}


def test_without_the_patch_the_same_program_is_refused(faked: Mount, endpoint: Endpoint) -> None:
    faked.jump(400 * DAY)
    result = run_client(
        "order", faked, {"endpoint": endpoint.url, "steps": ["import", "client", "sign"]}
    )
    assert result["call"] == {"ok": False, "code": "SignatureDoesNotMatch"}
    assert result["presigned"] == {"ok": False, "code": "AccessDenied"}
