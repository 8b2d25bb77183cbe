"""The kernel clock checked against libfaketimefs, in processes under libfaketime."""

from __future__ import annotations

import calendar
import time
from pathlib import Path

from tests.harness.endpoint import Endpoint
from tests.harness.faketime import DAY, Mount, remove_libfaketime_leftovers, run_client

OK = {"ok": True, "code": ""}


def _stamp(value: str) -> float:
    return calendar.timegm(time.strptime(value, "%Y%m%dT%H%M%SZ"))


def test_signing_without_pause_reads_the_file_about_once_a_second(faked: Mount) -> None:
    faked.jump(400 * DAY)
    result = run_client("sign-for", faked, {"patch": "import", "seconds": 4})
    assert result["signatures"] > 100
    # One read at the first signature, then one a second at the most.
    assert 2 <= result["reads"] <= result["seconds"] + 1.5, result
    real = result["clocks"]["real"]
    assert all(abs(_stamp(stamp) - real) < 60 for stamp in result["stamps"])


def test_a_file_ten_minutes_off_the_kernel_clock_is_followed_and_read_every_time(
    faked: Mount, tmp_path: Path
) -> None:
    faked.jump(400 * DAY)
    off = tmp_path / "realtime"
    off.write_text(f"{time.time() - 600:.3f}\n")
    result = run_client(
        "sign-for",
        faked,
        {"patch": "import", "seconds": 1},
        {"FAKETIME_REALTIME_FILE": str(off)},
    )
    assert result["reads"] == result["signatures"]
    stamps = {_stamp(stamp) for stamp in result["stamps"]}
    assert stamps == {_stamp(time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(float(off.read_text()))))}


def test_a_child_forked_after_the_cache_was_filled_signs_right(
    faked: Mount, endpoint: Endpoint
) -> None:
    faked.jump(-400 * DAY)
    result = run_client("fork", faked, {"endpoint": endpoint.url, "patch": "import"})
    remove_libfaketime_leftovers(result["child_pid"])
    assert result["parent"] == OK
    assert result["reads_in_parent"] == 1
    assert result["child"]["call"] == OK
    assert result["child"]["presigned"] == OK
    # The child checks the file again before it trusts the kernel clock.
    assert result["child"]["reads"] == 1
    assert all(verdict.accepted for verdict in endpoint.state.verdicts)
