"""A realtime file whose libfaketimefs daemon stops answering: no hang, and no signature.

The daemon is stopped with SIGSTOP (its files stay open-able, every read
blocks in the kernel), as a deadlocked or swapped-out daemon would be. The
processes here run outside libfaketime with FAKETIME_REALTIME_FILE on that
mount, as a freezegun or time-machine test run, or a tool given the
variable, would: each signature raises within the 2 s bound and sends
nothing, and signing works again once the daemon continues.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.harness.endpoint import Endpoint
from tests.harness.faketime import Mount, Unfaked, clean_environment, run_client

BOUND = 2.0
SLACK = 3.0  # a loaded 2-core machine: late, but nowhere near a hang


@pytest.fixture(scope="module")
def own_mount() -> Iterator[Mount]:
    """A mount of this module's own: stopping the shared one would stall the other tests."""
    with Mount.temporary(prefix="libfaketimefs-stalled-") as mount:
        yield mount


@pytest.mark.parametrize("threads", [1, 16])
def test_signing_while_the_daemon_is_stopped(
    own_mount: Mount, endpoint: Endpoint, threads: int
) -> None:
    with own_mount.stopped():
        result = run_client(
            "stalled",
            Unfaked(),
            {"endpoint": endpoint.url, "daemon": own_mount.pid, "threads": threads},
            {"FAKETIME_REALTIME_FILE": str(own_mount.realtime)},
            timeout=60,
        )
    outcomes = result["outcomes"]
    assert len(outcomes) == threads
    for outcome in outcomes:
        assert outcome["ok"] is False
        assert str(own_mount.realtime) in outcome["error"]
        assert "did not answer within 2 s" in outcome["error"]
        assert outcome["seconds"] < BOUND + SLACK
    # The first waited out the bound; nothing reached the endpoint meanwhile.
    assert max(o["seconds"] for o in outcomes) >= BOUND - 0.1
    assert result["stalled_before"] is True
    # The daemon continued: the next signature is accepted, in the same process.
    assert result["after"] == {"ok": True, "code": ""}
    assert [v.accepted for v in endpoint.state.verdicts] == [True]


def test_a_child_forked_while_a_read_is_stuck_starts_clean(
    own_mount: Mount, endpoint: Endpoint
) -> None:
    with own_mount.stopped():
        result = run_client(
            "stalled",
            Unfaked(),
            {"endpoint": endpoint.url, "daemon": own_mount.pid, "threads": 1, "fork": True},
            {"FAKETIME_REALTIME_FILE": str(own_mount.realtime)},
            timeout=60,
        )
    assert result["child"] == {"stalled": False, "call": {"ok": True, "code": ""}}
    assert result["after"] == {"ok": True, "code": ""}
    assert len(endpoint.state.verdicts) == 2


def test_check_reports_a_stalled_file(own_mount: Mount) -> None:
    """The read's own time, as check measures it by the kernel clock, is bounded; not the
    command's, which includes an interpreter's start and imports (seconds on a loaded box)."""
    env = {**clean_environment(), "FAKETIME_REALTIME_FILE": str(own_mount.realtime)}
    with own_mount.stopped():
        result = subprocess.run(
            [sys.executable, "-m", "libfaketimefs_botocore", "check", "--json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 1, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["error"].startswith(
        f"Cannot read the real time from FAKETIME_REALTIME_FILE='{own_mount.realtime}'"
    )
    assert "did not answer within 2 s" in report["error"]
    assert BOUND - 0.1 <= report["realtime_file_read_seconds"] < BOUND + SLACK
