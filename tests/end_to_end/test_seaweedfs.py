"""End to end against a real S3 server, SeaweedFS, which verifies SigV4 with code of its own.

Beside the tests against the local endpoint (which recomputes signatures with
botocore's own signer classes), not instead: a mistake both sides of the
local endpoint share would pass there, and is refused here. SeaweedFS runs on
the machine's real clock (libfaketime cannot shift a Go program's clock), so
no endpoint offset is learned from it.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from tests.harness.faketime import DAY, ClockSetup, Libfaketime, Mount, Unfaked, run_client
from tests.harness.seaweedfs import S3_SERVER_OPERATIONS, SeaweedFS
from tests.harness.unfaked_http import post_form, send

pytestmark = pytest.mark.timeout(300)

OPERATIONS = S3_SERVER_OPERATIONS


def _run(
    seaweedfs: SeaweedFS,
    setup: ClockSetup,
    bucket: str,
    folder: Path,
    patch: str,
    faker: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return run_client(
        "s3-server",
        setup,
        {
            "endpoint": seaweedfs.url,
            "access_key": seaweedfs.access_key,
            "secret_key": seaweedfs.secret_key,
            "bucket": bucket,
            "folder": str(folder),
            "patch": patch,
            "faker": faker,
        },
        timeout=240,
    )


def _used_from_here(presigned: dict[str, Any]) -> None:
    """The presigned GET, PUT and POST, sent by this unfaked process."""
    status, body = send(presigned["get"])
    assert (status, body) == (200, b"served to an unfaked process")
    status, body = send(presigned["put"], "PUT", b"put with a presigned URL")
    assert status == 200, body
    status, body = post_form(presigned["post"], b"posted with a presigned POST")
    assert status in (200, 204), body


def _setup(name: str, mount: Mount) -> ClockSetup:
    if name.startswith("libfaketime"):
        return Libfaketime(name.split()[-1])
    if name.startswith("libfaketimefs"):
        mount.jump(int(name.split()[-1].rstrip("d")) * DAY)
        return mount
    return Unfaked()


@pytest.mark.parametrize(
    "setup_name",
    ["libfaketime +400d", "libfaketime -400d", "libfaketimefs +400d", "libfaketimefs -400d"],
)
def test_boto3_under_libfaketime(
    seaweedfs: SeaweedFS, faked: Mount, bucket: str, tmp_path: Path, setup_name: str
) -> None:
    result = _run(seaweedfs, _setup(setup_name, faked), bucket, tmp_path, "import")
    assert {name: r["ok"] for name, r in result["results"].items()} == dict.fromkeys(
        OPERATIONS, True
    ), result["results"]
    _used_from_here(result["presigned"])


# In each matrix session: the libfaketime cases and aiobotocore, for each era's
# signers against a verifier we did not write. Once: the rest.
@pytest.mark.parametrize("faker", ["freezegun", "time-machine-travel"])
@pytest.mark.parametrize("days", [400, -400])
def test_boto3_with_a_faker_in_the_program(
    seaweedfs: SeaweedFS, bucket: str, tmp_path: Path, faker: str, days: int
) -> None:
    result = _run(seaweedfs, Unfaked(), bucket, tmp_path, "context", {"name": faker, "days": days})
    assert {name: r["ok"] for name, r in result["results"].items()} == dict.fromkeys(
        OPERATIONS, True
    ), result["results"]
    _used_from_here(result["presigned"])


@pytest.mark.parametrize(
    ("setup_name", "faker"),
    [
        ("libfaketime +400d", None),
        ("libfaketime -400d", None),
        ("libfaketimefs +400d", None),
        ("in the program", {"name": "freezegun", "days": 400}),
        ("in the program", {"name": "time-machine-travel", "days": -400}),
    ],
)
def test_unpatched_is_refused_in_seaweedfs_words(
    seaweedfs: SeaweedFS,
    faked: Mount,
    bucket: str,
    tmp_path: Path,
    setup_name: str,
    faker: dict[str, Any] | None,
) -> None:
    """The harness's own check: without the library, the real server refuses."""
    result = _run(seaweedfs, _setup(setup_name, faked), bucket, tmp_path, "none", faker)
    assert result["results"] == {"create_bucket": {"ok": False, "code": "RequestTimeTooSkewed"}}


@pytest.mark.skipif(importlib.util.find_spec("aiobotocore") is None, reason="no aiobotocore")
@pytest.mark.parametrize("patch", ["none", "import"])
def test_aiobotocore(seaweedfs: SeaweedFS, bucket: str, patch: str) -> None:
    result = run_client(
        "s3-server-aio",
        Libfaketime("+400d"),
        {
            "endpoint": seaweedfs.url,
            "access_key": seaweedfs.access_key,
            "secret_key": seaweedfs.secret_key,
            "bucket": bucket,
            "patch": patch,
        },
    )
    if patch == "none":
        assert result["results"] == {"create_bucket": {"ok": False, "code": "RequestTimeTooSkewed"}}
    else:
        assert all(r["ok"] for r in result["results"].values()), result["results"]
        assert len(result["results"]) == 4
