"""Whether this process's C clock is faked, and by how much: measured, not inferred.

libfaketime fakes it by symbol (``LD_PRELOAD``); a vDSO faker (Chaos Mesh's
TimeChaos) by overwriting the vDSO that the C library's ``clock_gettime``
reads, without a variable to show for it, and possibly in a running
process. What OpenSSL and native code see is what the C library's
``clock_gettime`` answers, so that is measured against the kernel's answer
to the system call (:mod:`.kernel`). freezegun and time-machine fake
Python's clock only: they leave this one alone. Measured cost: two clock
reads, about 1.5 µs; called per TLS handshake to a host signed for, and by
``check``.
"""

from __future__ import annotations

import ctypes
import functools
import sys
from typing import Callable

from libfaketimefs_botocore.clock import kernel

FAKED_BEYOND = 1.0  # seconds between the C clock and the kernel's: faked


@functools.cache
def _c_clock() -> Callable[[], float | None] | None:
    if sys.platform != "linux" or ctypes.sizeof(ctypes.c_long) != 8:
        return None
    try:
        function = ctypes.PyDLL(None).clock_gettime  # the global scope's: libfaketime's, if any
    except (OSError, AttributeError):
        return None
    function.restype = ctypes.c_int
    return kernel.reader(function, (ctypes.c_int(kernel.CLOCK_REALTIME),))


def c_clock() -> float | None:
    """The C library's CLOCK_REALTIME, as OpenSSL and native code read it."""
    read = _c_clock()
    return None if read is None else read()


def c_clock_offset(kernel_now: Callable[[], float | None]) -> float | None:
    """The C clock minus the kernel's, or None where either cannot be read."""
    c_now = c_clock()
    real = kernel_now()
    if c_now is None or real is None:
        return None
    return c_now - real


def c_clock_faked(kernel_now: Callable[[], float | None]) -> bool:
    offset = c_clock_offset(kernel_now)
    return offset is not None and abs(offset) > FAKED_BEYOND
