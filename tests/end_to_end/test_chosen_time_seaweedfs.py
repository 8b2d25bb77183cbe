"""signing_time() against a real S3 server (SeaweedFS): what a CDN in front of it would see.

Presigned URLs made with the real time rounded down to the half hour are the
same URL for that half hour, and SeaweedFS serves the object for them to this
(unfaked) process; URLs made in threads and tasks of their own each carry
their own time, and are served too.
"""

from __future__ import annotations

import asyncio
import datetime
import importlib.util
import math
import threading
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from botocore.config import Config

from libfaketimefs_botocore import signing_time
from libfaketimefs_botocore.state.switch import SWITCH
from tests.harness.faketime import DAY, ClockSetup, Libfaketime, Mount, run_client
from tests.harness.seaweedfs import SeaweedFS
from tests.harness.unfaked_http import send

pytestmark = [
    pytest.mark.timeout(300),
    pytest.mark.skipif(SWITCH.held_for_good, reason="the switch is held for good in this process"),
]

UTC = datetime.timezone.utc
HALF_HOUR = datetime.timedelta(minutes=30)
BODY = b"behind a CDN"


def _client_arguments(seaweedfs: SeaweedFS) -> dict[str, Any]:
    """boto3's and aiobotocore's ``create_client`` arguments for SeaweedFS."""
    return {
        "service_name": "s3",
        "endpoint_url": seaweedfs.url,
        "region_name": "us-east-1",
        "aws_access_key_id": seaweedfs.access_key,
        "aws_secret_access_key": seaweedfs.secret_key,
        "config": Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    }


def _client(seaweedfs: SeaweedFS) -> Any:
    return boto3.client(**_client_arguments(seaweedfs))


@pytest.fixture
def s3_object(seaweedfs: SeaweedFS, bucket: str) -> dict[str, str]:
    s3 = _client(seaweedfs)
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="cached", Body=BODY)
    return {"Bucket": bucket, "Key": "cached"}


def _signed_at(url: str) -> float:
    amz_date = parse_qs(urlsplit(url).query)["X-Amz-Date"][0]
    return datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp()


def _half_hour(seconds: float) -> float:
    return math.floor(seconds / 1800) * 1800


def _in_one_half_hour(make: Any) -> Any:
    """``make()``, made again if a half hour began while it ran (the test's own race)."""
    while True:
        before = time.time()
        made = make()
        if _half_hour(before) == _half_hour(time.time()):
            return made


def test_floor_gives_the_same_url_for_half_an_hour(seaweedfs: SeaweedFS, s3_object: dict) -> None:
    s3 = _client(seaweedfs)

    def two_urls() -> list[str]:
        with signing_time(floor=HALF_HOUR):
            first = s3.generate_presigned_url("get_object", Params=s3_object, ExpiresIn=3600)
            time.sleep(1.1)  # seconds apart: without the floor, X-Amz-Date would differ
            return [
                first,
                s3.generate_presigned_url("get_object", Params=s3_object, ExpiresIn=3600),
            ]

    first, second = _in_one_half_hour(two_urls)
    assert first == second
    assert _signed_at(first) == _half_hour(time.time())
    assert send(first) == (200, BODY)


def test_threads_each_sign_with_their_own_time(seaweedfs: SeaweedFS, s3_object: dict) -> None:
    """Eight threads presign together, each in a block of its own; the main thread, meanwhile,
    with the real time. SeaweedFS serves every URL."""
    s3 = _client(seaweedfs)
    real = time.time()
    chosen = [real - 60 * index for index in range(1, 9)]
    inside, done = threading.Barrier(9), threading.Barrier(9)
    urls: dict[int, str] = {}

    def work(index: int) -> None:
        with signing_time(at=datetime.datetime.fromtimestamp(chosen[index], UTC)):
            inside.wait()
            urls[index] = s3.generate_presigned_url("get_object", Params=s3_object)
            done.wait()

    threads = [threading.Thread(target=work, args=(index,)) for index in range(8)]
    for thread in threads:
        thread.start()
    inside.wait()
    main = s3.generate_presigned_url("get_object", Params=s3_object)
    done.wait()
    for thread in threads:
        thread.join()
    assert {index: _signed_at(url) for index, url in urls.items()} == {
        index: math.floor(chosen[index]) for index in range(8)
    }
    assert abs(_signed_at(main) - time.time()) < 5
    for url in [*urls.values(), main]:
        assert send(url) == (200, BODY)


@pytest.mark.skipif(importlib.util.find_spec("aiobotocore") is None, reason="no aiobotocore")
def test_aiobotocore_tasks_each_sign_with_their_own_time(
    seaweedfs: SeaweedFS, s3_object: dict
) -> None:
    from aiobotocore.session import get_session

    real = time.time()
    chosen = [real - 60 * index for index in range(1, 9)]

    async def main() -> tuple[list[str], str, dict[str, Any]]:
        async with get_session().create_client(**_client_arguments(seaweedfs)) as s3:

            async def task(index: int) -> str:
                async with signing_time(at=datetime.datetime.fromtimestamp(chosen[index], UTC)):
                    await asyncio.sleep(0)  # the others enter their blocks here
                    return str(await s3.generate_presigned_url("get_object", Params=s3_object))

            tasks = [asyncio.ensure_future(task(index)) for index in range(8)]
            await asyncio.sleep(0)
            outside = await s3.generate_presigned_url("get_object", Params=s3_object)
            # Header-signed, in a block whose time SeaweedFS accepts (within 15 minutes).
            async with signing_time(at=datetime.datetime.fromtimestamp(real - 300, UTC)):
                got = await s3.get_object(**s3_object)
                body = await got["Body"].read()
            return list(await asyncio.gather(*tasks)), str(outside), {"body": body}

    urls, outside, got = asyncio.run(main())
    assert [_signed_at(url) for url in urls] == [math.floor(seconds) for seconds in chosen]
    assert abs(_signed_at(outside) - time.time()) < 5
    assert got == {"body": BODY}
    for url in [*urls, outside]:
        assert send(url) == (200, BODY)


def _setup(name: str, mount: Mount) -> ClockSetup:
    if name == "libfaketime":
        return Libfaketime("-400d")
    mount.jump(-400 * DAY)
    return mount


@pytest.mark.parametrize("autopatch", [True, False], ids=["autopatch", "block-alone"])
@pytest.mark.parametrize("setup_name", ["libfaketime", "libfaketimefs"])
def test_a_year_behind_floor_rounds_the_real_time(
    seaweedfs: SeaweedFS,
    faked: Mount,
    s3_object: dict,
    setup_name: str,
    autopatch: bool,
) -> None:
    """Under libfaketime -400 days: the URL a faked program makes is the URL this unfaked
    process makes, and it is served; expired credentials are expired in the block."""
    setup = _setup(setup_name, faked)
    environment = {"LIBFAKETIMEFS_BOTOCORE_AUTOPATCH": "1"} if autopatch else {}
    s3 = _client(seaweedfs)

    def both() -> tuple[dict[str, Any], str]:
        result = run_client(
            "s3-server-floor",
            setup,
            {
                "endpoint": seaweedfs.url,
                "access_key": seaweedfs.access_key,
                "secret_key": seaweedfs.secret_key,
                "bucket": s3_object["Bucket"],
                "key": s3_object["Key"],
                "real_now": time.time(),
            },
            extra_env=environment,
        )
        with signing_time(floor=HALF_HOUR):
            here = s3.generate_presigned_url("get_object", Params=s3_object)
        return result, here

    result, here = _in_one_half_hour(both)
    assert result["clocks"]["fake"] < time.time() - 399 * DAY
    assert result["urls"] == [here, here]
    assert send(here) == (200, BODY)
    # A year behind, credentials expired an hour ago look valid to the fake clock: outside
    # the block they are judged by it unless the library is on for good.
    assert result["expired"] == {"outside": autopatch, "inside": True}
