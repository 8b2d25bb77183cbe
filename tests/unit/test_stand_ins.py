"""The stand-ins under in-process fakers: what they call, and what they hand botocore."""

from __future__ import annotations

import datetime
import importlib.util
import subprocess
import sys
import time
from typing import Any

import botocore.auth
import botocore.credentials
import botocore.tokens
import botocore.utils
import freezegun
import pytest

from libfaketimefs_botocore import clock, integrations, realtime_signing, wrapping
from libfaketimefs_botocore.clock import ENV_VAR
from libfaketimefs_botocore.state.switch import SWITCH

# What a matrix session's pins change: run there too (see noxfile.py).
pytestmark = pytest.mark.pins

UTC = datetime.timezone.utc


class Real:
    """The real class, where freezegun's sweep of module names does not reach."""

    datetime = datetime.datetime


def _reads() -> dict[str, Any]:
    """Every clock read that botocore makes through a stand-in, in this release."""
    reads: dict[str, Any] = {
        "_local_now": botocore.credentials._local_now(),
        "_utc_now": botocore.tokens._utc_now(),
        "formatdate": botocore.auth.formatdate(usegmt=True),
        "time.time": botocore.auth.time.time(),
        "time.gmtime": botocore.auth.time.gmtime(),
    }
    if isinstance(botocore.auth.datetime, type(botocore.credentials.datetime)):
        reads["utcnow"] = botocore.auth.datetime.datetime.utcnow()
    else:
        reads["get_current_datetime"] = botocore.auth.get_current_datetime()
        reads["aware"] = botocore.auth.get_current_datetime(remove_tzinfo=False)
    if importlib.util.find_spec("awscrt") is not None:
        crt_auth = importlib.import_module("botocore.crt.auth")
        if hasattr(crt_auth, "get_current_datetime"):
            reads["crt"] = crt_auth.get_current_datetime(remove_tzinfo=False)
    return reads


@pytest.fixture(autouse=True)
def _kernel_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    wrapping.install(integrations.WRAP_POINTS)


class _NoClock(Real.datetime):
    """A datetime class, as freezegun installs one, whose clock reads fail the test."""

    @classmethod
    def now(cls, tz: datetime.tzinfo | None = None) -> Any:
        raise AssertionError("datetime.now() on the real-time path")

    @classmethod
    def utcnow(cls) -> Any:
        raise AssertionError("datetime.utcnow() on the real-time path")

    @classmethod
    def today(cls) -> Any:
        raise AssertionError("datetime.today() on the real-time path")


@pytest.fixture
def no_process_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every clock a faker patches, made to fail when called."""

    def forbidden(name: str) -> Any:
        def read(*args: object) -> Any:
            raise AssertionError(f"time.{name}() on the real-time path")

        return read

    for name in ("time", "time_ns", "monotonic", "perf_counter", "clock_gettime"):
        monkeypatch.setattr(time, name, forbidden(name))
    monkeypatch.setattr(datetime, "datetime", _NoClock)


def test_the_real_time_path_calls_no_clock_that_a_faker_patches(no_process_clock: None) -> None:
    if SWITCH.held_for_good:
        pytest.skip("the switch is held for good in this process")
    with realtime_signing():
        reads = _reads()
    with pytest.raises(AssertionError, match="on the real-time path"):
        _reads()  # the originals, switch off: proves the fixture bites
    assert len(reads) >= 6


@pytest.mark.parametrize("tick", [False, True])
def test_plain_datetimes_under_freezegun(tick: bool) -> None:
    with freezegun.freeze_time("2030-01-01", tick=tick):
        assert datetime.datetime is not Real.datetime
        with realtime_signing():
            reads = _reads()
        outside = botocore.credentials._local_now()
    real = clock.now()
    assert real is not None
    for name, value in reads.items():
        if isinstance(value, datetime.datetime):
            assert type(value) is Real.datetime, name
            moment = value if value.tzinfo else value.replace(tzinfo=UTC)
            assert abs(moment.timestamp() - real) < 5, name
    # Off, the stand-ins follow freezegun's class, as botocore's own binding would.
    if not SWITCH.held_for_good:
        assert outside.year == 2030
        assert type(outside) is not Real.datetime


def test_a_library_first_imported_during_a_freeze_answers_real_datetimes() -> None:
    """freezegun's class is a subclass of the real one (and its ``min`` one of its own): the
    real class is still the one the stand-ins and real_time() make."""
    code = (
        "import time, freezegun, botocore.tokens\n"
        "with freezegun.freeze_time('2030-01-01'):\n"
        "    import libfaketimefs_botocore\n"
        "    with libfaketimefs_botocore.realtime_signing():\n"
        "        now = botocore.tokens._utc_now()\n"
        "        real = libfaketimefs_botocore.real_time()\n"
        "print(type(now).__module__, type(real).__module__, now.timestamp(), real.timestamp())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    now_module, real_module, now, real = result.stdout.split()
    assert (now_module, real_module) == ("datetime", "datetime")
    assert abs(float(now) - time.time()) < 60
    assert abs(float(real) - time.time()) < 60


def test_a_freeze_before_the_library_leaves_no_stale_binding_for_the_next() -> None:
    """freezegun caches each module's attributes by name: a module it swept before the stand-ins
    were installed must not get freezegun's class over its stand-in at the next freeze."""
    code = (
        "import freezegun, botocore.tokens\n"
        "with freezegun.freeze_time('2030-01-01'):\n"
        "    pass\n"
        "import libfaketimefs_botocore\n"
        "libfaketimefs_botocore.patch_botocore()\n"
        "with freezegun.freeze_time('2030-01-01'):\n"
        "    print(botocore.tokens._utc_now().timestamp())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert abs(float(result.stdout) - time.time()) < 60
