"""Every faker, both directions: libfaketime alone, freezegun and time-machine.

None of them serves a realtime file: the kernel's clock is the real time.
"""

from __future__ import annotations

import datetime
import time

import pytest

from tests.harness.endpoint import Endpoint
from tests.harness.faketime import DAY, Libfaketime, Unfaked, run_client
from tests.harness.schemes import (
    SIGNERS,
    run_schemes,
    schemes,
    signer_environment,
    verdict_schemes,
)

# What a matrix session's pins change: run there too (see noxfile.py).
pytestmark = pytest.mark.pins

OK = {"ok": True, "code": ""}

LIBFAKETIME_ALONE = [
    pytest.param("+400d", 400, id="plus-400-days"),
    pytest.param("-400d", -400, id="minus-400-days"),
    pytest.param("@2030-01-01 00:00:00", None, id="at-2030"),
]


def _expected_fake_time(days: int | None) -> float:
    if days is None:
        return datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc).timestamp()
    return time.time() + days * DAY


@pytest.mark.parametrize("signers", SIGNERS)
@pytest.mark.parametrize(("faketime", "days"), LIBFAKETIME_ALONE)
def test_libfaketime_alone_every_scheme_accepted_at_the_first_attempt(
    endpoint: Endpoint, signers: str, faketime: str, days: int | None
) -> None:
    result = run_schemes(Libfaketime(faketime), endpoint, signers, patch="import")
    # The program's clock is the fake one (an absolute FAKETIME ticks on from its start).
    assert abs(result["clocks"]["fake"] - _expected_fake_time(days)) < 120
    assert result["results"] == {name: OK for name in result["results"]}
    assert {verdict.scheme for verdict in endpoint.state.verdicts} == verdict_schemes(signers)
    assert all(verdict.accepted for verdict in endpoint.state.verdicts)
    for verdict in endpoint.state.verdicts:
        if verdict.signed_at is not None:
            assert abs(verdict.signed_at - verdict.received_at) < 60


@pytest.mark.parametrize(("faketime", "days"), LIBFAKETIME_ALONE)
def test_libfaketime_alone_without_the_patch_is_refused(
    endpoint: Endpoint, faketime: str, days: int | None
) -> None:
    result = run_schemes(Libfaketime(faketime), endpoint, "python", patch="none")
    assert not any(outcome["ok"] for outcome in result["results"].values())


FAKERS = [
    pytest.param({"name": "freezegun", "tick": False}, id="freezegun"),
    pytest.param({"name": "freezegun", "tick": True}, id="freezegun-ticking"),
    pytest.param({"name": "time-machine-travel", "tick": False}, id="time-machine-travel"),
    pytest.param({"name": "time-machine-travel", "tick": True}, id="time-machine-travel-ticking"),
    pytest.param({"name": "time-machine-shift", "tick": True}, id="time-machine-shift"),
]


@pytest.mark.parametrize("signers", SIGNERS)
@pytest.mark.parametrize("days", [400, -400])
@pytest.mark.parametrize("faker", FAKERS)
def test_in_process_fakers_accepted_inside_realtime_signing_only(
    endpoint: Endpoint, faker: dict[str, object], days: int, signers: str
) -> None:
    every = schemes(signers)
    result = run_client(
        "faker-schemes",
        Unfaked(),
        {"endpoint": endpoint.url, "schemes": every, "faker": {**faker, "days": days}},
        signer_environment(signers),
    )
    refused_outside = {name for name, outcome in result["outside"].items() if not outcome["ok"]}
    assert refused_outside == set(every)
    assert result["inside"] == {name: OK for name in every}
    # The program's own clock stays the fake one inside the block.
    fake = time.time() + days * DAY
    clock = result["program_clock"]
    assert abs(clock["time"] - fake) < 120
    assert abs(clock["now"] - fake) < 120
    assert clock["year"] == datetime.date.fromtimestamp(clock["time"]).year
