"""Runs of signer_packages_client.py against SeaweedFS, and what a test checks of them."""

from __future__ import annotations

import calendar
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.harness.faketime import (
    DAY,
    SIGNER_PACKAGES_CLIENT,
    ClockSetup,
    Libfaketime,
    Mount,
    Unfaked,
    run_client,
)
from tests.harness.seaweedfs import SeaweedFS
from tests.harness.unfaked_http import post_form, send

AUTOPATCH = {"LIBFAKETIMEFS_BOTOCORE_AUTOPATCH": "1"}

# How each test's program has its clock faked, and how the library is on:
# (setup, days the program's clock is off, patch, faker in the program).
CASES = {
    "libfaketime +400d, autopatch": ("libfaketime", 400, "autopatch"),
    "libfaketime -400d, autopatch": ("libfaketime", -400, "autopatch"),
    "libfaketimefs +400d, import": ("libfaketimefs", 400, "import"),
    "freezegun +400d, realtime_signing": ("freezegun", 400, "context"),
    "time-machine -400d, realtime_signing": ("time-machine", -400, "context"),
}
REFUSED_CASES = {
    "libfaketime +400d": ("libfaketime", 400, "none"),
    "freezegun -400d": ("freezegun", -400, "none"),
}


def run(
    package: str,
    seaweedfs: SeaweedFS,
    mount: Mount,
    bucket: str,
    case: tuple[str, int, str],
    https: bool = False,
) -> dict[str, Any]:
    """The package's S3 steps against SeaweedFS, in the case's clock and patch."""
    return run_scenario(
        "s3",
        mount,
        case,
        package=package,
        endpoint=seaweedfs.https_url if https else seaweedfs.url,
        ca_bundle=seaweedfs.ca_bundle,
        access_key=seaweedfs.access_key,
        secret_key=seaweedfs.secret_key,
        bucket=bucket,
    )


def run_scenario(
    scenario: str, mount: Mount, case: tuple[str, int, str], **options: Any
) -> dict[str, Any]:
    """A scenario of signer_packages_client.py, its clock faked and the library on as the
    case says."""
    faker, days, patch = case
    setup: ClockSetup = Unfaked()
    if faker == "libfaketime":
        setup = Libfaketime(f"{days:+d}d")
    elif faker == "libfaketimefs":
        mount.jump(days * DAY)
        setup = mount
    in_process = faker in ("freezegun", "time-machine")
    result = run_client(
        scenario,
        setup,
        {
            **options,
            "patch": "none" if patch == "autopatch" else patch,
            "autopatch": patch == "autopatch",
            "faker": {"name": faker, "days": days} if in_process else None,
        },
        extra_env=AUTOPATCH if patch == "autopatch" else None,
        program=SIGNER_PACKAGES_CLIENT,
    )
    result["days"] = days
    return result


def assert_fake_time_kept(result: dict[str, Any]) -> None:
    assert abs(result["fake"] - time.time() - result["days"] * DAY) < 2 * DAY


def assert_accepted(result: dict[str, Any], steps: list[str]) -> None:
    """Every step accepted, while the program kept its fake time."""
    assert list(result["results"]) == steps, result["results"]
    assert all(outcome["ok"] for outcome in result["results"].values()), result["results"]
    assert_fake_time_kept(result)


def assert_refused(result: dict[str, Any], words: str) -> None:
    """The first step refused, in the words SeaweedFS uses, and nothing after it tried."""
    (outcome,) = result["results"].values()
    assert not outcome["ok"]
    assert words in outcome["code"], outcome


def amz_date(url: str) -> float:
    """The X-Amz-Date of a presigned SigV4 URL, as Unix seconds."""
    (stamp,) = parse_qs(urlsplit(url).query)["X-Amz-Date"]
    return float(calendar.timegm(time.strptime(stamp, "%Y%m%dT%H%M%SZ")))


def fetched_from_here(url: str, ca_bundle: str | None = None) -> bytes:
    """A presigned GET sent by this unfaked process: the object's content."""
    status, body = send(url, cafile=ca_bundle)
    assert status == 200, body
    return body


def posted_from_here(post: dict[str, Any], ca_bundle: str | None = None) -> None:
    """A presigned POST form sent by this unfaked process."""
    status, body = post_form(post, b"posted", cafile=ca_bundle)
    assert status in (200, 204), body
