"""The real time as libfaketimefs serves it: a file holding a Unix time stamp."""

from __future__ import annotations

import os

from botocore.exceptions import BotoCoreError

ENV_VAR = "FAKETIME_REALTIME_FILE"

# libfaketimefs writes about 33 bytes ("1795913929.4221611022949218750000").
# Anything longer is not a time stamp, so a device or a huge file costs one
# small read and never fills memory.
READ_LIMIT = 64

# datetime cannot go past the year 9999; a larger value is a broken file.
_LATEST = 253402300799.0

# O_NONBLOCK: a FIFO with no writer must fail at once, not wait for one.
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC


class RealtimeError(BotoCoreError):
    """The real time could not be read from ``FAKETIME_REALTIME_FILE``.

    Raised instead of signing with the fake time. A subclass of
    :class:`botocore.exceptions.BotoCoreError`, so existing handlers see it.
    """

    fmt = "Cannot read the real time from {variable}={path!r}: {reason}"

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(variable=ENV_VAR, path=path, reason=reason)
        self.path = path
        self.reason = reason


def read_file(path: str) -> float:
    """Read and check the Unix time stamp in ``path``: one open, one read, one close."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        raise RealtimeError(path, f"cannot open it: {error.strerror}") from None
    try:
        data = os.read(fd, READ_LIMIT + 1)
    except OSError as error:
        raise RealtimeError(path, f"cannot read it: {error.strerror}") from None
    finally:
        os.close(fd)
    return parse_realtime(path, data)


def parse_realtime(path: str, data: bytes) -> float:
    """The time stamp in ``data``, the content of ``path``."""
    if len(data) > READ_LIMIT:
        raise RealtimeError(
            path,
            f"expected a Unix time stamp, found more than {READ_LIMIT} bytes "
            f"starting {_show(data[:24])}",
        )
    text = data.strip()
    if not text:
        raise RealtimeError(path, f"expected a Unix time stamp, found {_show(data)} (empty)")
    # Digits with at most one point: what float() alone would let through
    # ("nan", "inf", "1e9", "1_000", "-5") is not a time stamp.
    whole, _, fraction = text.partition(b".")
    whole_ok = whole.isdigit() or (not whole and fraction)
    fraction_ok = fraction.isdigit() or not fraction
    if not (whole_ok and fraction_ok):
        raise RealtimeError(
            path, f"expected a Unix time stamp (decimal seconds), found {_show(data)}"
        )
    seconds = float(text)
    if not 0.0 < seconds <= _LATEST:
        raise RealtimeError(
            path, f"expected a Unix time stamp after 1970 and before 10000, found {_show(data)}"
        )
    return seconds


def _show(data: bytes) -> str:
    return repr(data.decode("ascii", errors="backslashreplace"))
