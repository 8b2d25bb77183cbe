"""``real_time()`` in processes under libfaketime, alone and driven by libfaketimefs."""

from __future__ import annotations

import sys
import time

import pytest

from tests.harness.faketime import DAY, ClockSetup, Libfaketime, Mount, run_faked

CODE = (
    "import datetime, time, libfaketimefs_botocore\n"
    "print(libfaketimefs_botocore.real_time().timestamp(), time.time())\n"
)


def _clocks(setup: ClockSetup) -> tuple[float, float]:
    result = run_faked([sys.executable, "-c", CODE], setup)
    assert result.returncode == 0, result.stderr
    real, fake = (float(value) for value in result.stdout.split())
    return real, fake


@pytest.mark.parametrize("faketime", ["+400d", "-400d"])
def test_under_libfaketime_alone(faketime: str) -> None:
    real, fake = _clocks(Libfaketime(faketime))
    assert abs(real - time.time()) < 60
    assert abs(fake - time.time()) > 399 * DAY


@pytest.mark.parametrize("days", [400, -400])
def test_under_libfaketimefs(faked: Mount, days: int) -> None:
    faked.jump(days * DAY)
    real, fake = _clocks(faked)
    assert abs(real - time.time()) < 60
    assert abs(fake - time.time() - days * DAY) < 120
