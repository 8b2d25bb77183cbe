"""The real time, from the best source this process has.

In order: the libfaketimefs file named by ``FAKETIME_REALTIME_FILE`` (the
authority when set), then the kernel's own clock: its answer to the system
call, read through the vDSO while the two agree (:mod:`.kernel`: a vDSO
faker overwrites the vDSO). With neither, :func:`now` answers None and botocore keeps the
process clock. Signing times add, for each endpoint, AWS's clock as its
refusals revealed it (:mod:`.endpoint_offsets`): :func:`signing_now`.

Reading the file is a FUSE round trip to the libfaketimefs daemon, so it is
not read for every signature: while it agrees with the kernel clock, the
kernel clock answers and the file is read again at least once a second.
When they disagree (a faked kernel clock, a file that is not this
machine's time) the file is read at every call and its time is used.
"""

from __future__ import annotations

import functools
import os
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from libfaketimefs_botocore.clock import bounded_read, endpoint_offsets
from libfaketimefs_botocore.clock.realtime_file import ENV_VAR, RealtimeError

if TYPE_CHECKING:
    from typing import Callable

    from libfaketimefs_botocore.clock.kernel import KernelClock

__all__ = [
    "ENV_VAR",
    "RealtimeError",
    "agrees",
    "c_clock_faked",
    "kernel_clock",
    "now",
    "read_realtime",
    "realtime_path",
    "recheck_kernel",
    "required",
    "signing_now",
]

AGREEMENT = 1.0  # seconds: a file this close to the kernel clock agrees with it
RECHECK = 1.0  # seconds of kernel time between two reads of an agreeing file


@dataclass(frozen=True)
class _Agreement:
    """The file at ``path`` agreed with the kernel clock at ``since``."""

    path: str | None
    since: float
    until: float


_NONE = _Agreement(None, 0.0, 0.0)
_agreement = _NONE  # replaced whole, never changed: safe to read without a lock
_file_lock = threading.Lock()  # never held with a timeout: no timed waits under libfaketime
_kernel: KernelClock | None = None


def now() -> float | None:
    """The real time in seconds, or None when this process has no source of it."""
    path = realtime_path()
    read_kernel = kernel_clock().read
    kernel_now = None if read_kernel is None else read_kernel()
    if path is None:
        return kernel_now
    if kernel_now is not None and _agreed(path, kernel_now):
        return kernel_now
    if bounded_read.stalled(path):
        # Raised at once: queuing behind a read that is stuck would wait with it.
        raise bounded_read.did_not_answer(path)
    with _file_lock:
        # One thread reads the file at a time: threads that waited for it
        # take what it found, so a crowd of signers costs one read a second.
        if read_kernel is not None:
            kernel_now = read_kernel()
            if kernel_now is not None and _agreed(path, kernel_now):
                return kernel_now
        return _from_file(path, read_kernel, kernel_now)


def required(purpose: str) -> float:
    """The real time in seconds; RealtimeError, naming ``purpose``, when there is no source."""
    seconds = now()
    if seconds is None:
        raise RealtimeError(
            realtime_path() or "",
            f"{purpose}, and this process has no source of it (no realtime file, and no way "
            "to the kernel's clock)",
        )
    return seconds


def _agreed(path: str, kernel_now: float) -> bool:
    agreement = _agreement
    # A kernel clock stepped backwards falls outside the window too.
    return agreement.path == path and agreement.since <= kernel_now < agreement.until


def c_clock_faked() -> bool:
    """Whether the C library's clock (OpenSSL's, native code's) is faked now: measured."""
    from libfaketimefs_botocore.clock import process

    read = kernel_clock().read
    return read is not None and process.c_clock_faked(read)


def recheck_kernel() -> bool:
    """Check the kernel clock's vDSO against the system call now (a signature was refused for
    its time); True when that finds it faked, so that what was signed is to be signed again."""
    return kernel_clock().recheck()


def signing_now() -> float | None:
    """The real time plus the offset of the endpoint being signed for, if one was learned."""
    seconds = now()
    if seconds is None or not endpoint_offsets.offsets:
        return seconds
    return seconds + endpoint_offsets.offset_for(endpoint_offsets.signing_url.get())


def _from_file(
    path: str, read_kernel: Callable[[], float | None] | None, before: float | None
) -> float:
    global _agreement
    seconds = read_realtime(path)
    # The file's time is taken somewhere between the two kernel readings: a slow
    # answer (libfaketimefs's daemon is Python 2 behind FUSE) is no disagreement.
    after = None if read_kernel is None or before is None else read_kernel()
    if after is not None and agrees(seconds, before, after):
        _agreement = _Agreement(path, after, after + RECHECK)
        return after
    _agreement = _NONE
    return seconds


def agrees(
    file_seconds: float, kernel_seconds: float | None, kernel_after: float | None = None
) -> bool:
    """Whether the file's time and the kernel clock's are the same real time: the file's
    within :data:`AGREEMENT` of the kernel's readings before and after it was read."""
    if kernel_seconds is None:
        return False
    after = kernel_seconds if kernel_after is None else kernel_after
    return kernel_seconds - AGREEMENT <= file_seconds <= after + AGREEMENT


def forget() -> None:
    """Read the file at the next call, whatever it said last."""
    global _agreement
    _agreement = _NONE


def _forget_in_child() -> None:
    global _file_lock
    # A thread of the parent may have held the lock at the fork.
    _file_lock = threading.Lock()
    forget()


def read_realtime(path: str) -> float:
    """Read the realtime file; RealtimeError if it is broken or does not answer within 2 s."""
    return bounded_read.read_within(path, kernel_clock().read, _real_sleep())


@functools.cache
def _real_sleep() -> Callable[[float], None] | None:
    """The kernel-timed sleep, found at the first call (None where there is none)."""
    from libfaketimefs_botocore.clock.kernel import open_real_sleep

    return open_real_sleep()


def kernel_clock() -> KernelClock:
    """The way to the kernel's clock, found at the first call."""
    global _kernel
    if _kernel is None:
        # Imported here: ctypes would add a third to `import libfaketimefs_botocore`.
        from libfaketimefs_botocore.clock.kernel import open_kernel_clock

        _kernel = open_kernel_clock()
    return _kernel


# os.environ.get() costs about 0.7 µs, as much as the rest of a kernel-clock
# read, because it encodes the name at each call. On POSIX os.environ keeps
# a plain dict of bytes, which a lookup reads in a few nanoseconds, and every
# change made through os.environ (monkeypatch included) lands in it.
_ENVIRON_DATA = getattr(os.environ, "_data", None) if os.name == "posix" else None
_KEY = os.fsencode(ENV_VAR)
_decoded: tuple[bytes | None, str | None] = (None, None)


def realtime_path() -> str | None:
    """The path in ``FAKETIME_REALTIME_FILE``, or None when it is unset or empty."""
    global _decoded
    if not isinstance(_ENVIRON_DATA, dict):
        return os.environ.get(ENV_VAR) or None
    raw = _ENVIRON_DATA.get(_KEY)
    if not raw:
        return None
    decoded = _decoded
    if decoded[0] is not raw:
        decoded = _decoded = (raw, os.fsdecode(raw))
    return decoded[1]


# A child keeps the kernel clock (the vDSO is mapped into it too), but reads
# the file again before trusting it.
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)
