"""signing_time(): its errors, its scope (thread, task, block, function), and what it moves.

In this process, with botocore's own signers: a presigned URL says the time
it was signed with, and the verifying endpoint says what it was sent.
"""

from __future__ import annotations

import asyncio
import datetime
import math
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from botocore.config import Config
from botocore.credentials import RefreshableCredentials
from botocore.exceptions import ClientError

from libfaketimefs_botocore import realtime_signing, signing_time
from libfaketimefs_botocore.clock import ENV_VAR, endpoint_offsets
from libfaketimefs_botocore.state import chosen
from libfaketimefs_botocore.state.switch import SWITCH
from tests.harness.endpoint import ACCESS_KEY, SECRET_KEY, Endpoint

pytestmark = pytest.mark.skipif(
    SWITCH.held_for_good, reason="the switch is held for good in this process"
)

UTC = datetime.timezone.utc
MINUTES_30 = datetime.timedelta(minutes=30)
# A time no clock here is near: whatever signs with it was given it.
CHOSEN = datetime.datetime(2024, 2, 29, 12, 34, 56, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _kernel_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(ENV_VAR, raising=False)
    endpoint_offsets.forget()
    yield
    endpoint_offsets.forget()
    # Every block left: the stand-ins are back on their fast path.
    assert chosen.blocks_open == 0


def _s3(endpoint_url: str = "http://127.0.0.1:9", signature_version: str = "s3v4") -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(signature_version=signature_version, s3={"addressing_style": "path"}),
    )


S3 = _s3()


def presigned_at(client: Any = S3) -> float:
    """The time a presigned GET made now says it was signed at."""
    url = client.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"})
    amz_date = parse_qs(urlsplit(url).query)["X-Amz-Date"][0]
    moment = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    return moment.timestamp()


def _near_now(seconds: float) -> bool:
    return abs(seconds - time.time()) < 5


# --- errors -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "error", "names"),
    [
        ({}, ValueError, "exactly one of at= .* and floor="),
        ({"at": CHOSEN, "floor": MINUTES_30}, ValueError, "exactly one of at= .* and floor="),
        ({"at": datetime.datetime(2024, 1, 1)}, ValueError, r"at=\.\.\.\): .* naive datetime"),
        ({"floor": datetime.timedelta(0)}, ValueError, r"floor=\.\.\.\): must be positive"),
        ({"floor": -MINUTES_30}, ValueError, r"floor=\.\.\.\): must be positive"),
        ({"floor": 1800}, TypeError, r"floor=\.\.\.\): expected a datetime.timedelta, got int"),
        ({"at": "2024-01-01T00:00:00Z"}, TypeError, r"at=\.\.\.\): expected an aware datetime"),
    ],
)
def test_bad_arguments_are_refused_before_anything_is_signed(
    arguments: dict[str, Any], error: type[Exception], names: str
) -> None:
    with pytest.raises(error, match=names):
        signing_time(**arguments)


@pytest.mark.parametrize(
    ("answer", "error"),
    [(datetime.datetime(2024, 1, 1), ValueError), (1704067200, TypeError)],
)
def test_a_function_giving_a_bad_time_stops_the_signature(
    answer: object, error: type[Exception]
) -> None:
    with signing_time(at=lambda: answer), pytest.raises(error, match=r"at=\.\.\.\(\)"):  # type: ignore[arg-type, return-value]
        presigned_at()


# --- what is signed with ------------------------------------------------------


def test_at_a_time_or_a_function_of_it() -> None:
    with signing_time(at=CHOSEN):
        assert presigned_at() == CHOSEN.timestamp()
    calls: list[None] = []

    def later() -> datetime.datetime:
        calls.append(None)
        return CHOSEN + datetime.timedelta(minutes=len(calls))

    with signing_time(at=later):
        assert presigned_at() == CHOSEN.timestamp() + 60
        assert presigned_at() == CHOSEN.timestamp() + 120
    assert _near_now(presigned_at())


def test_floor_rounds_the_real_time_down() -> None:
    before = time.time()
    with signing_time(floor=MINUTES_30):
        first = presigned_at()
        second = presigned_at()
    after = time.time()
    assert first == second
    assert first % 1800 == 0
    assert math.floor(before / 1800) * 1800 <= first <= math.floor(after / 1800) * 1800


def test_every_datetime_an_aware_one() -> None:
    eastern = datetime.timezone(datetime.timedelta(hours=-5))
    with signing_time(at=CHOSEN.astimezone(eastern)):
        assert presigned_at() == CHOSEN.timestamp()


def test_hmacv1_and_post_policies_count_from_the_chosen_time() -> None:
    hmacv1 = _s3(signature_version="s3")
    with signing_time(at=CHOSEN):
        url = hmacv1.generate_presigned_url(
            "get_object", Params={"Bucket": "b", "Key": "k"}, ExpiresIn=600
        )
        post = S3.generate_presigned_post("b", "k", ExpiresIn=600)
    assert parse_qs(urlsplit(url).query)["Expires"] == [str(int(CHOSEN.timestamp()) + 600)]
    assert post["fields"]["x-amz-date"] == "20240229T123456Z"
    assert post["fields"]["x-amz-credential"].split("/")[1] == "20240229"


# --- scope --------------------------------------------------------------------


def test_innermost_wins_and_leaving_restores() -> None:
    outer = signing_time(at=CHOSEN)
    with outer:
        with signing_time(floor=MINUTES_30):
            assert presigned_at() % 1800 == 0
            with outer:
                assert presigned_at() == CHOSEN.timestamp()
            assert presigned_at() % 1800 == 0
        assert presigned_at() == CHOSEN.timestamp()
    assert _near_now(presigned_at())


def test_realtime_signing_inside_does_not_undo_the_choice() -> None:
    with signing_time(at=CHOSEN), realtime_signing():
        assert presigned_at() == CHOSEN.timestamp()


def test_each_thread_its_own_time_and_the_others_the_real_time() -> None:
    """Eight threads in blocks of their own, signing together; the main thread, meanwhile,
    outside any block."""
    count = 8
    inside, done = threading.Barrier(count + 1), threading.Barrier(count + 1)
    seen: dict[int, list[float]] = {}

    def work(index: int) -> None:
        at = CHOSEN + datetime.timedelta(hours=index)
        with signing_time(at=at):
            inside.wait()
            seen[index] = [presigned_at() for _ in range(20)]
            done.wait()

    threads = [threading.Thread(target=work, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    inside.wait()
    main = [presigned_at() for _ in range(20)]
    done.wait()
    for thread in threads:
        thread.join()
    assert seen == {index: [CHOSEN.timestamp() + index * 3600] * 20 for index in range(count)}
    assert all(_near_now(seconds) for seconds in main)


def test_one_block_entered_by_many_threads_at_once() -> None:
    block = signing_time(at=CHOSEN)
    start = threading.Barrier(8)
    seen: list[float] = []

    def work() -> None:
        start.wait()
        for _ in range(20):
            with block:
                seen.append(presigned_at())
            seen.append(-1.0 if _near_now(presigned_at()) else presigned_at())

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(set(seen)) == [-1.0, CHOSEN.timestamp()]
    assert len(seen) == 8 * 20 * 2


def test_no_lock_is_held_while_a_thread_signs_in_its_block() -> None:
    """A thread stopped in the middle of a signature, in its block: the others sign at once."""
    stopped, release = threading.Event(), threading.Event()

    def slow_choice() -> datetime.datetime:
        stopped.set()
        release.wait(60)
        return CHOSEN

    signed: list[float] = []

    def slow() -> None:
        with signing_time(at=slow_choice):
            signed.append(presigned_at())

    def other() -> None:
        with signing_time(floor=MINUTES_30):
            signed.append(presigned_at())
        signed.append(presigned_at())

    slow_thread = threading.Thread(target=slow)
    slow_thread.start()
    assert stopped.wait(30)
    other_thread = threading.Thread(target=other)
    other_thread.start()
    other_thread.join(30)
    finished_meanwhile = not other_thread.is_alive()
    release.set()
    slow_thread.join()
    other_thread.join()
    assert finished_meanwhile
    assert signed[0] % 1800 == 0
    assert _near_now(signed[1])
    assert signed[2] == CHOSEN.timestamp()


def test_each_asyncio_task_its_own_time() -> None:
    async def task(index: int) -> list[float]:
        async with signing_time(at=CHOSEN + datetime.timedelta(hours=index)):
            seen = []
            for _ in range(5):
                await asyncio.sleep(0)  # the other tasks run here, in their own blocks
                seen.append(presigned_at())
            return seen

    async def main() -> tuple[list[list[float]], float]:
        tasks = [asyncio.ensure_future(task(index)) for index in range(8)]
        await asyncio.sleep(0)
        outside = presigned_at()  # the tasks are in their blocks; this one is not
        return list(await asyncio.gather(*tasks)), outside

    seen, outside = asyncio.run(main())
    assert seen == [[CHOSEN.timestamp() + index * 3600] * 5 for index in range(8)]
    assert _near_now(outside)


# --- as a decorator -------------------------------------------------------------


def test_decorated_function_and_coroutine_function() -> None:
    @signing_time(at=CHOSEN)
    def sign(value: int) -> tuple[int, float]:
        """Sign."""
        return value, presigned_at()

    @signing_time(at=CHOSEN)
    async def sign_async() -> float:
        await asyncio.sleep(0)
        return presigned_at()

    assert sign(3) == (3, CHOSEN.timestamp())
    assert sign.__doc__ == "Sign."
    assert asyncio.run(sign_async()) == CHOSEN.timestamp()
    assert _near_now(presigned_at())


def test_decorated_generators_hold_it_only_while_their_body_runs() -> None:
    @signing_time(at=CHOSEN)
    def urls() -> Iterator[float]:
        for _ in range(3):
            yield presigned_at()

    @signing_time(at=CHOSEN)
    async def urls_async() -> AsyncIterator[float]:
        for _ in range(3):
            await asyncio.sleep(0)
            yield presigned_at()

    between: list[float] = []
    inside: list[float] = []
    for seconds in urls():
        inside.append(seconds)
        between.append(presigned_at())

    async def consume() -> None:
        async for seconds in urls_async():
            inside.append(seconds)
            between.append(presigned_at())

    asyncio.run(consume())
    assert inside == [CHOSEN.timestamp()] * 6
    assert all(_near_now(seconds) for seconds in between)


def test_leaving_in_a_context_that_did_not_enter_is_an_error() -> None:
    block = signing_time(at=CHOSEN)
    with pytest.raises(RuntimeError, match="did not enter it"):
        block.__exit__(None, None, None)


# --- under a faker in this process: the real time, rounded ---------------------


def _faked(name: str, days: int) -> Any:
    moment = datetime.datetime.now(UTC) + datetime.timedelta(days=days)
    if name == "freezegun":
        import freezegun

        return freezegun.freeze_time(moment)
    import time_machine

    return time_machine.travel(moment, tick=False)


@pytest.mark.parametrize("faker", ["freezegun", "time-machine"])
@pytest.mark.parametrize("days", [400, -400])
def test_floor_rounds_the_real_time_under_a_faker(faker: str, days: int) -> None:
    before = time.time()
    with _faked(faker, days):
        assert abs(time.time() - before - days * 86400) < 60
        with signing_time(floor=MINUTES_30):
            signed = presigned_at()
    after = time.time()
    assert math.floor(before / 1800) * 1800 <= signed <= math.floor(after / 1800) * 1800


@pytest.mark.parametrize(("days", "expires_in"), [(400, 3600), (-400, -3600)])
def test_credentials_are_judged_by_the_real_time_inside_the_block(
    days: int, expires_in: int
) -> None:
    """A year ahead, credentials valid for another hour are not expired in the block; a year
    behind, credentials expired an hour ago are. Another thread, meanwhile, keeps the fake
    time."""
    expiry = datetime.datetime.now(UTC) + datetime.timedelta(seconds=expires_in)
    credentials = RefreshableCredentials(
        ACCESS_KEY, SECRET_KEY, "token", expiry, lambda: {}, "test"
    )
    valid_by_the_real_time = expires_in > 0
    elsewhere: list[bool] = []
    with _faked("freezegun", days):
        outside = credentials.refresh_needed()
        with signing_time(at=CHOSEN):
            inside = credentials.refresh_needed()
            thread = threading.Thread(target=lambda: elsewhere.append(credentials.refresh_needed()))
            thread.start()
            thread.join()
    assert outside is valid_by_the_real_time  # the fake clock's wrong answer
    assert inside is not valid_by_the_real_time
    assert elsewhere == [valid_by_the_real_time]


# --- the endpoint's clock and refusals ------------------------------------------


def _sts(endpoint: Endpoint) -> Any:
    return boto3.client(
        "sts",
        endpoint_url=endpoint.url,
        region_name="us-east-1",
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(retries={"total_max_attempts": 1}),
    )


def test_a_chosen_time_is_neither_corrected_nor_learned_from(endpoint: Endpoint) -> None:
    """The endpoint's clock an hour ahead. A refusal for a chosen time teaches nothing and is
    not sent again; once the clock is learned (outside the block), it does not move a chosen
    time."""
    offset = endpoint.put_clock(3600.0)
    sts = _sts(endpoint)
    with realtime_signing():
        with signing_time(at=lambda: datetime.datetime.now(UTC)), pytest.raises(ClientError):
            sts.get_caller_identity()
        assert len(endpoint.state.verdicts) == 1
        assert endpoint_offsets.offsets == {}

        sts.get_caller_identity()  # refused, learned from, sent again: accepted
        assert [verdict.accepted for verdict in endpoint.state.verdicts] == [False, False, True]
        (learned,) = endpoint_offsets.offsets.values()  # the Date header is to the second
        assert abs(learned - offset) <= 1

        with signing_time(at=lambda: datetime.datetime.now(UTC)), pytest.raises(ClientError):
            sts.get_caller_identity()
        assert [verdict.accepted for verdict in endpoint.state.verdicts] == [
            False,
            False,
            True,
            False,
        ]
        with signing_time(
            at=lambda: datetime.datetime.now(UTC) + datetime.timedelta(seconds=offset)
        ):
            sts.get_caller_identity()
    verdicts = endpoint.state.verdicts
    assert verdicts[-1].accepted
    assert list(endpoint_offsets.offsets.values()) == [learned]
