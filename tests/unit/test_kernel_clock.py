"""The kernel's clock: real in this process, and real under libfaketime, by each way in."""

from __future__ import annotations

import json
import sys
import time

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
    read = _open(use_vdso).read
    assert read is not None
    assert read.__name__ == "read_own_buffer"
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
