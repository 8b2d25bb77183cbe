"""Reading the realtime file: good content, and every way it can be broken."""

from __future__ import annotations

import gc
import os
import threading
from pathlib import Path

import pytest
from botocore.exceptions import BotoCoreError

from libfaketimefs_botocore import RealtimeError
from libfaketimefs_botocore.clock import ENV_VAR, read_realtime


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"1795913929.4221611022949218750000", 1795913929.4221611),
        (b"1795913929\n", 1795913929.0),
        (b"  1795913929.5 \n", 1795913929.5),
        (b"1795913929.", 1795913929.0),
        (b".5", 0.5),
    ],
)
def test_reads_a_decimal_time_stamp(tmp_path: Path, content: bytes, expected: float) -> None:
    path = tmp_path / "realtime"
    path.write_bytes(content)
    assert read_realtime(str(path)) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("content", "found"),
    [
        (b"", "empty"),
        (b" \n", "empty"),
        (b"soon", "'soon'"),
        (b"nan", "'nan'"),
        (b"inf", "'inf'"),
        (b"-1795913929", "'-1795913929'"),
        (b"0", "'0'"),
        (b"0.0", "'0.0'"),
        (b"1e9", "'1e9'"),
        (b"abc.5", "'abc.5'"),
        (b"1.2.3", "'1.2.3'"),
        (b".", "'.'"),
        (b"+5", "'+5'"),
        (b"\xd9\xa1\xd9\xa2", r"'\\xd9\\xa1\\xd9\\xa2'"),
        (b"1_795_913_929", "'1_795_913_929'"),
        (b"1795913929 1795913930", "'1795913929 1795913930'"),
        (b"99999999999999999", "'99999999999999999'"),
        (b"\xff\xfe", r"'\\xff\\xfe'"),
        (b"1" * 65, "more than 64 bytes"),
    ],
)
def test_rejects_content_that_is_not_a_time_stamp(
    tmp_path: Path, content: bytes, found: str
) -> None:
    path = tmp_path / "realtime"
    path.write_bytes(content)
    with pytest.raises(RealtimeError) as raised:
        read_realtime(str(path))
    message = str(raised.value)
    assert str(path) in message
    assert ENV_VAR in message
    assert found in message
    assert raised.value.path == str(path)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent"
    with pytest.raises(RealtimeError, match="cannot open it: No such file or directory"):
        read_realtime(str(path))


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(RealtimeError, match="cannot read it: Is a directory"):
        read_realtime(str(tmp_path))


def test_dev_zero_is_read_in_one_small_read() -> None:
    with pytest.raises(RealtimeError, match="more than 64 bytes"):
        read_realtime("/dev/zero")


def _in_thread_with_deadline(function: object) -> BaseException | None:
    """Run in a thread so that a hang fails the test instead of freezing it."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            function()  # type: ignore[operator]
            outcome.append(None)
        except BaseException as error:  # noqa: BLE001
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), "reading the realtime file hung"
    return outcome[0]


def test_fifo_without_writer_fails_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    error = _in_thread_with_deadline(lambda: read_realtime(str(fifo)))
    assert isinstance(error, RealtimeError)
    assert "empty" in str(error)


def test_fifo_with_a_silent_writer_fails_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader_side = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    writer = os.open(fifo, os.O_WRONLY)
    try:
        error = _in_thread_with_deadline(lambda: read_realtime(str(fifo)))
    finally:
        os.close(writer)
        os.close(reader_side)
    assert isinstance(error, RealtimeError)
    assert "cannot read it" in str(error)


def test_is_a_botocore_error(tmp_path: Path) -> None:
    with pytest.raises(BotoCoreError):
        read_realtime(str(tmp_path / "absent"))


def test_file_descriptors_are_closed(tmp_path: Path) -> None:
    path = tmp_path / "realtime"
    path.write_text("garbage")
    # As sets: a descriptor of an earlier test in this worker may be closed by the
    # garbage collector meanwhile; 200 leaked reads could not hide among those.
    gc.collect()
    before = set(os.listdir("/proc/self/fd"))
    for _ in range(100):
        with pytest.raises(RealtimeError):
            read_realtime(str(path))
        with pytest.raises(RealtimeError):
            read_realtime(str(tmp_path))
    assert set(os.listdir("/proc/self/fd")) <= before
