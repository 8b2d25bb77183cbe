"""The kernel's clock: real in this process, and real under libfaketime, by each way in."""

from __future__ import annotations

import json
import struct
import sys
import time
from typing import Any, Callable

import pytest

from libfaketimefs_botocore.clock import kernel
from tests.harness.faketime import DAY, Libfaketime, run_faked
from tests.harness.threads import run_together

WAYS = [pytest.param(True, id="vdso"), pytest.param(False, id="syscall")]


def _open(use_vdso: bool) -> kernel.KernelClock:
    clock = kernel.open_kernel_clock(use_vdso=use_vdso)
    assert clock.read is not None, clock.via
    assert ("vDSO" in clock.via) is use_vdso
    return clock


@pytest.mark.parametrize("use_vdso", WAYS)
def test_agrees_with_the_unfaked_process_clock(use_vdso: bool) -> None:
    read = _open(use_vdso).read
    assert read is not None
    before = time.time()
    seconds = read()
    after = time.time()
    assert seconds is not None
    assert before - 0.001 <= seconds <= after + 0.001


@pytest.mark.parametrize("use_vdso", WAYS)
def test_without_a_gil_each_read_has_its_own_buffer(
    use_vdso: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "_is_gil_enabled", lambda: False, raising=False)
    clock = _open(use_vdso)
    read = clock.read
    assert read is not None
    ways = [read] if clock.checked is None else [clock.checked.vdso, clock.checked.syscall]
    assert [way.__name__ for way in ways] == ["read_own_buffer"] * len(ways)
    seconds = read()
    assert seconds is not None
    assert abs(seconds - time.time()) < 0.01


@pytest.mark.parametrize("use_vdso", WAYS)
def test_threads_read_whole_times(use_vdso: bool) -> None:
    read = _open(use_vdso).read
    assert read is not None
    start = time.time()
    bad: list[float | None] = []

    def work() -> None:
        for _ in range(5000):
            seconds = read()
            if seconds is None or not start - 0.001 <= seconds <= time.time() + 0.001:
                bad.append(seconds)

    run_together(work)
    assert bad == []


def test_an_unknown_architecture_has_no_kernel_clock() -> None:
    clock = kernel.open_kernel_clock(machine="mips")
    assert clock.read is None
    assert "no known vDSO clock_gettime on mips" in clock.via
    assert "no known clock_gettime system call number on mips" in clock.via


PROBE = """
import json, sys, time
from libfaketimefs_botocore.clock import kernel
ways = {}
for use_vdso in (True, False):
    clock = kernel.open_kernel_clock(use_vdso=use_vdso)
    ways[clock.via] = clock.read()
print(json.dumps({"process": time.time(), "ways": ways}))
"""


@pytest.mark.parametrize("faketime", ["+400d", "-400d"])
def test_real_under_libfaketime(faketime: str) -> None:
    result = run_faked([sys.executable, "-c", PROBE], Libfaketime(faketime))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    days = 400 if faketime == "+400d" else -400
    assert abs(report["process"] - time.time() - days * DAY) < 120
    assert len(report["ways"]) == 2
    for way, seconds in report["ways"].items():
        assert abs(seconds - time.time()) < 60, way


def _vdso_reading(truth: list[float], offset: list[float]) -> Callable[[int, Any], int]:
    """A stand-in for the vDSO's clock_gettime: truth plus offset, in whole milliseconds."""

    def clock_gettime(clock: int, buffer: Any) -> int:
        milliseconds = round((truth[0] + offset[0]) * 1000)
        struct.pack_into("@ll", buffer, 0, milliseconds // 1000, milliseconds % 1000 * 1_000_000)
        return 0

    return clock_gettime


def test_the_vdso_is_trusted_only_while_it_agrees_with_the_system_call() -> None:
    """Checked at the first read, once a second of its time, at a jump, and on demand; once
    it disagrees, the system call answers every read."""
    from libfaketimefs_botocore.clock.kernel import _Checked

    truth = [1000.0]
    offset = [0.0]
    calls = {"syscall": 0}

    def syscall() -> float:
        calls["syscall"] += 1
        return truth[0]

    checked = _Checked(_vdso_reading(truth, offset), (0,), syscall)
    assert checked.read() == 1000.0
    assert calls["syscall"] == 1  # the first read is checked
    for step in range(5):
        truth[0] += 0.1
        assert checked.read() == pytest.approx(1000.1 + step * 0.1)
    assert calls["syscall"] == 1  # within the second: the vDSO alone
    truth[0] += 0.6
    checked.read()
    assert calls["syscall"] == 2  # a second of its own time later: checked again
    offset[0] = 400 * 86400.0  # a faker arrives: the vDSO jumps
    assert checked.read() == truth[0]
    assert checked.offset == pytest.approx(400 * 86400.0)
    assert checked.read() == truth[0]  # from now on, the system call
    assert checked.recheck() is False  # already known


def test_a_recheck_finds_a_faker_that_moved_the_vdso_by_little() -> None:
    from libfaketimefs_botocore.clock.kernel import _Checked

    truth, offset = [1000.0], [0.0]
    checked = _Checked(_vdso_reading(truth, offset), (0,), lambda: truth[0])
    checked.read()
    offset[0] = 0.9  # under the jump: not checked by the read
    checked.read()
    offset[0] = 1.5
    truth[0] -= 0.55  # a vDSO reading 0.05 s after the last: no jump, no second passed
    assert checked.read() == pytest.approx(truth[0] + 1.5)
    assert checked.recheck() is True  # a refusal asks, and the faker is found
    assert checked.read() == truth[0]
