"""Where the real time comes from: the realtime file, checked against the kernel clock."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from libfaketimefs_botocore import RealtimeError, clock
from libfaketimefs_botocore.clock import ENV_VAR
from libfaketimefs_botocore.clock.kernel import KernelClock
from tests.harness.faketime import Mount
from tests.harness.threads import run_together


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(ENV_VAR, raising=False)
    clock.forget()
    yield
    clock.forget()


def _file(path: Path, seconds: float) -> Path:
    path.write_text(f"{seconds:.6f}\n")
    return path


def _near_now(seconds: float | None) -> bool:
    # Loose enough for a loaded machine that pauses this thread between the
    # two reads; far tighter than any file that is not the real time.
    return seconds is not None and abs(seconds - time.time()) < 0.25


@pytest.mark.parametrize("value", [None, ""])
def test_no_file_means_the_kernel_clock(
    monkeypatch: pytest.MonkeyPatch, file_reads: list[str], value: str | None
) -> None:
    if value is not None:
        monkeypatch.setenv(ENV_VAR, value)
    assert clock.realtime_path() is None
    assert _near_now(clock.now())
    assert file_reads == []


def test_agreeing_file_is_read_about_once_a_second(
    mount: Mount, monkeypatch: pytest.MonkeyPatch, file_reads: list[str]
) -> None:
    monkeypatch.setenv(ENV_VAR, str(mount.realtime))
    calls = 0
    start = time.monotonic()
    while time.monotonic() - start < 3.5:
        assert _near_now(clock.now())
        calls += 1
    assert calls > 1000
    # Once at the start, then once a second: 4 reads in 3.5 s.
    assert 3 <= len(file_reads) <= 5, len(file_reads)


def test_a_crowd_of_threads_reads_the_file_about_once_a_second(
    mount: Mount, monkeypatch: pytest.MonkeyPatch, file_reads: list[str]
) -> None:
    monkeypatch.setenv(ENV_VAR, str(mount.realtime))
    wrong: list[float | None] = []

    def work() -> None:
        start = time.monotonic()
        while time.monotonic() - start < 2.5:
            before = time.time()
            seconds = clock.now()
            if seconds is None or not before - 0.001 <= seconds <= time.time() + 0.001:
                wrong.append(seconds)

    run_together(work)
    assert wrong == []
    # Sixteen threads at once still read it once at the start, then once a second.
    assert 2 <= len(file_reads) <= 4, len(file_reads)


def test_disagreeing_file_is_followed_and_read_every_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, file_reads: list[str]
) -> None:
    ten_minutes_on = time.time() + 600
    monkeypatch.setenv(ENV_VAR, str(_file(tmp_path / "realtime", ten_minutes_on)))
    for _ in range(20):
        assert clock.now() == pytest.approx(ten_minutes_on)
    assert len(file_reads) == 20


def test_a_file_one_second_off_is_read_again_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, file_reads: list[str]
) -> None:
    path = _file(tmp_path / "realtime", time.time() - 1.5)
    monkeypatch.setenv(ENV_VAR, str(path))
    assert clock.now() == pytest.approx(time.time() - 1.5, abs=0.05)
    assert clock.now() == pytest.approx(time.time() - 1.5, abs=0.05)
    assert len(file_reads) == 2


class _Rewriter:
    """Keeps a file at the current time, as libfaketimefs would, until stopped."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        _file(path, time.time())

    def _run(self) -> None:
        while not self._stop.is_set():
            tmp = self.path.with_suffix(".tmp")
            _file(tmp, time.time())
            os.replace(tmp, self.path)
            time.sleep(0.02)

    def __enter__(self) -> _Rewriter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def test_a_file_turned_to_garbage_raises_within_two_seconds_and_recovers_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "realtime"
    monkeypatch.setenv(ENV_VAR, str(path))
    with _Rewriter(path):
        for _ in range(1000):
            assert _near_now(clock.now())
    path.write_text("garbage\n")
    broken_at = time.monotonic()
    with pytest.raises(RealtimeError, match="garbage"):  # noqa: PT012 - until it raises
        while time.monotonic() - broken_at < 5:
            assert _near_now(clock.now())
    assert time.monotonic() - broken_at <= 2
    with pytest.raises(RealtimeError):
        clock.now()
    _file(path, time.time())
    assert _near_now(clock.now())


def test_a_new_variable_is_read_at_the_next_call(
    mount: Mount, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, str(mount.realtime))
    assert _near_now(clock.now())
    ten_minutes_on = time.time() + 600
    monkeypatch.setenv(ENV_VAR, str(_file(tmp_path / "other", ten_minutes_on)))
    assert clock.now() == pytest.approx(ten_minutes_on)
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "absent"))
    with pytest.raises(RealtimeError, match="absent"):
        clock.now()
    monkeypatch.delenv(ENV_VAR)
    assert _near_now(clock.now())


def test_without_a_kernel_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, file_reads: list[str]
) -> None:
    monkeypatch.setattr(clock, "_kernel", KernelClock(None, "not here"))
    assert clock.now() is None
    now = time.time()
    monkeypatch.setenv(ENV_VAR, str(_file(tmp_path / "realtime", now)))
    assert clock.now() == pytest.approx(now)
    assert clock.now() == pytest.approx(now)
    assert len(file_reads) == 2


def test_a_forked_child_reads_the_file_again(mount: Mount, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(mount.realtime))
    clock.now()
    assert clock._agreement.path == str(mount.realtime)
    pid = os.fork()
    if pid == 0:
        os._exit(0 if clock._agreement.path is None else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert clock._agreement.path == str(mount.realtime)


def test_a_slow_answer_is_no_disagreement(mount: Mount, monkeypatch: pytest.MonkeyPatch) -> None:
    """libfaketimefs's daemon answers late under load: the file's time is that of its answer,
    seconds after the kernel reading taken before the read. Judged against the kernel's
    readings before and after the read, it agrees, and the kernel clock answers from then on."""
    monkeypatch.setenv(ENV_VAR, str(mount.realtime))

    def late() -> None:
        with mount.stopped():  # the daemon stopped for 1.5 s while the library reads
            time.sleep(1.5)

    slow = threading.Thread(target=late)
    slow.start()
    time.sleep(0.1)
    seconds = clock.now()
    slow.join()
    assert _near_now(seconds)
    # Agreed: the kernel clock answers, and the file is not read at the next call.
    assert clock._agreed(str(mount.realtime), time.time())
    assert clock.agrees(100.0, 98.5, 99.5)
    assert not clock.agrees(100.0, 97.0, 98.9)
