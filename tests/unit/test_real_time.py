"""``real_time()``: the real time for the program's own arithmetic, in this process.

Under freezegun and time-machine, from the realtime file when it is set,
with an endpoint's learned clock, and an error (never the fake time) when
the file is broken. libfaketime and libfaketimefs: tests/end_to_end/test_real_time.py.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterator
from pathlib import Path

import freezegun
import pytest
import time_machine

from libfaketimefs_botocore import RealtimeError, clock, real_time, signing_time
from libfaketimefs_botocore.clock import ENV_VAR, endpoint_offsets, forget
from libfaketimefs_botocore.state import chosen

UTC = datetime.timezone.utc
YEAR = datetime.timedelta(days=400)
URL = "https://logs.eu-west-1.amazonaws.com/"


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(ENV_VAR, raising=False)
    forget()
    endpoint_offsets.forget()
    yield
    forget()
    endpoint_offsets.forget()


def _near_now(moment: datetime.datetime, now: float) -> bool:
    return abs(moment.timestamp() - now) < 5


def test_an_aware_utc_datetime_of_the_real_time() -> None:
    moment = real_time()
    assert type(moment) is datetime.datetime
    assert moment.tzinfo is UTC
    assert _near_now(moment, time.time())


@pytest.mark.parametrize("days", [400, -400])
def test_under_freezegun(days: int) -> None:
    now = time.time()
    with freezegun.freeze_time(datetime.datetime.now(UTC) + datetime.timedelta(days=days)):
        moment = real_time()
        fake = datetime.datetime.now(UTC)
    assert _near_now(moment, now)
    assert abs((fake - moment).days - days) <= 1  # the program's own clock stays fake
    # A plain datetime, not freezegun's: arithmetic and comparisons as usual after the freeze.
    assert type(moment) is datetime.datetime


@pytest.mark.parametrize("days", [400, -400])
def test_under_time_machine(days: int) -> None:
    now = time.time()
    with time_machine.travel(datetime.datetime.now(UTC) + datetime.timedelta(days=days)):
        moment = real_time()
        fake = time.time()
    assert _near_now(moment, now)
    assert abs(fake - now - days * 86400) < 60


def test_the_realtime_file_is_the_authority(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "realtime"
    path.write_text("2000000000.5\n")
    monkeypatch.setenv(ENV_VAR, str(path))
    assert real_time() == datetime.datetime(2033, 5, 18, 3, 33, 20, 500000, tzinfo=UTC)


def test_a_broken_file_raises_and_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "realtime"
    path.write_text("not a time")
    monkeypatch.setenv(ENV_VAR, str(path))
    with pytest.raises(RealtimeError, match=str(path)):
        real_time()


def test_an_endpoint_clock_once_learned() -> None:
    now = time.time()
    assert _near_now(real_time(URL), now)  # nothing learned: the real time
    assert endpoint_offsets.learn(URL, now + 3600, now)
    assert _near_now(real_time(URL), now + 3600)
    assert _near_now(real_time(), now)
    assert _near_now(real_time("https://monitoring.eu-west-1.amazonaws.com/"), now)


def test_a_chosen_signing_time_does_not_move_it() -> None:
    with signing_time(at=datetime.datetime(2024, 2, 29, tzinfo=UTC)):
        assert _near_now(real_time(), time.time())


def test_no_source_of_the_real_time_raises_for_it_and_for_a_floor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As where neither a realtime file nor the kernel's clock can be had.
    monkeypatch.setattr(clock, "now", lambda: None)
    with pytest.raises(RealtimeError, match=r"real_time\(\) reads the real time, and this process"):
        real_time()
    with signing_time(floor=datetime.timedelta(minutes=30)):
        choice = chosen.here()
        assert choice is not None
        with pytest.raises(RealtimeError, match=r"signing_time\(floor=\.\.\.\) rounds the real"):
            choice.seconds()
