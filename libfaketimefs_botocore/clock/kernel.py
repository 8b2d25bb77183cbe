"""The kernel's own CLOCK_REALTIME: its answer to the system call, read fast through the vDSO
while the two agree.

libfaketime replaces libc's ``clock_gettime`` (and every function built on
it); freezegun and time-machine replace Python's ``time`` and ``datetime``
functions. Neither reaches libc's generic ``syscall()`` (Debian's
libfaketime exports no ``syscall``): the system call is the truth. The
function the kernel maps into every process (the vDSO) answers the same in
a tenth of the time, but a vDSO faker (Chaos Mesh's TimeChaos, the
watchmaker of fake-time-injector) overwrites it, in a running process too.
So the vDSO is read only while it agrees with the system call: checked at
the first read, at least once a second of its own time, whenever it jumps
or goes back by more than :data:`JUMP` between two reads (a faker arriving
mid-run moves it by its whole offset), and when a signature was refused for
its time (:meth:`KernelClock.recheck`). Once it disagrees by more than
:data:`DISAGREEMENT`, the system call answers every read. Measured cost
through ctypes: 0.43 µs a read, against 0.32 µs for the vDSO alone and 0.49
µs for the system call; a check, one system call a second.
"""

from __future__ import annotations

import ctypes
import os
import platform
import struct
import sys
from dataclasses import dataclass
from typing import Callable

CLOCK_REALTIME = 0

# The vDSO's entry point, named by architecture (Linux's vdso.lds files).
# Only architectures whose vDSO follows the C calling convention are listed.
_VDSO_FUNCTIONS = {
    "x86_64": "__vdso_clock_gettime",
    "aarch64": "__kernel_clock_gettime",
    "riscv64": "__vdso_clock_gettime",
}

# SYS_clock_gettime: x86_64's own table; the others use asm-generic's.
_SYSCALL_NUMBERS = {"x86_64": 228, "aarch64": 113, "riscv64": 113, "loongarch64": 113}

# SYS_clock_nanosleep, likewise: a sleep the kernel times, which libfaketime
# (it replaces libc's nanosleep and clock_nanosleep) does not reach.
_SLEEP_NUMBERS = {"x86_64": 230, "aarch64": 115, "riscv64": 115, "loongarch64": 115}
CLOCK_MONOTONIC = 1

# struct timespec on these 64-bit Linux architectures: two C longs.
_TIMESPEC = struct.Struct("@ll")


RECHECK = 1.0  # seconds of vDSO time between two checks against the system call
JUMP = 1.0  # seconds: a vDSO reading this far from the last one is checked at once
DISAGREEMENT = 1.0  # seconds: a vDSO this far from the system call is faked


@dataclass(frozen=True)
class KernelClock:
    """How this process reads the kernel's clock, or why it cannot."""

    read: Callable[[], float | None] | None
    via: str  # what ``read`` calls, or why there is no ``read``
    checked: _Checked | None = None  # the vDSO's check against the system call, where both are

    def recheck(self) -> bool:
        """Check the vDSO against the system call at the next read; True when that check
        finds it faked (a signature made with it was made with the faked time)."""
        return self.checked is not None and self.checked.recheck()

    @property
    def vdso_offset(self) -> float | None:
        """How far the vDSO was from the system call when found faked; None: it agrees."""
        return None if self.checked is None else self.checked.offset


class _Checked:
    """The vDSO's readings, trusted while they agree with the system call's."""

    def __init__(
        self,
        vdso: Callable[..., int],
        arguments: tuple[object, ...],
        syscall: Callable[[], float | None],
    ) -> None:
        self.vdso, self.syscall = reader(vdso, arguments), syscall
        self.offset: float | None = None  # set once the vDSO is found faked
        # The vDSO time of the next check (-inf: now), and of the last reading: a list, which
        # the read below indexes faster than it would look up attributes.
        self._times = [-float("inf"), 0.0]
        self.read = self._reader(vdso, arguments)

    def _reader(
        self, vdso: Callable[..., int], arguments: tuple[object, ...]
    ) -> Callable[[], float | None]:
        # The vDSO is called here, not through self.vdso: one Python frame less on every
        # signing clock read (about 0.1 µs of 0.4). Its buffer shared as reader()'s is.
        if not _gil_enabled():
            return self._read_own_buffer
        unpack, times, check = _TIMESPEC.unpack_from, self._times, self._check
        buffer = ctypes.create_string_buffer(_TIMESPEC.size)
        call = (*arguments, buffer)

        def read() -> float | None:
            if self.offset is not None or vdso(*call) != 0:
                return self.syscall()
            seconds, nanoseconds = unpack(buffer)
            now = float(seconds + nanoseconds * 1e-9)
            last = times[1]
            times[1] = now
            if now < times[0] and -JUMP <= now - last <= JUMP:
                return now
            return check(now)

        return read

    def _read_own_buffer(self) -> float | None:
        if self.offset is not None:
            return self.syscall()
        now = self.vdso()
        if now is None:
            return self.syscall()
        last, self._times[1] = self._times[1], now
        if now < self._times[0] and -JUMP <= now - last <= JUMP:
            return now
        return self._check(now)

    def _check(self, now: float) -> float | None:
        truth = self.syscall()
        if truth is None:
            return now  # no system call here after all: the vDSO is all there is
        if abs(now - truth) > DISAGREEMENT:
            self.offset = now - truth
            return truth
        self._times[0] = now + RECHECK
        return now

    def recheck(self) -> bool:
        if self.offset is not None:
            return False
        now = self.vdso()
        self._check(now if now is not None else 0.0)
        return self.offset is not None


def open_kernel_clock(machine: str | None = None, use_vdso: bool = True) -> KernelClock:
    """Find a way to the kernel's clock, and check that it answers."""
    machine = machine or platform.machine()
    if sys.platform != "linux" or ctypes.sizeof(ctypes.c_long) != 8:
        return KernelClock(None, f"no raw clock on {sys.platform} {machine}")
    reasons = []
    found = []
    for way in (_vdso, _syscall) if use_vdso else (_syscall,):
        clock, reason = way(machine)
        if clock is None:
            reasons.append(reason)
            continue
        if clock.read is not None and clock.read() is not None:
            found.append(clock)
            continue
        reasons.append(f"{clock.via} failed: {os.strerror(ctypes.get_errno()) or 'error'}")
    if len(found) == 2:
        vdso, syscall = found
        assert syscall.read is not None
        checked = _Checked(*_vdso_function(machine), syscall.read)
        return KernelClock(checked.read, f"{vdso.via}, checked against {syscall.via}", checked)
    if found:
        return found[0]
    return KernelClock(None, "; ".join(reasons))


def _vdso(machine: str) -> tuple[KernelClock | None, str]:
    name = _VDSO_FUNCTIONS.get(machine)
    if name is None:
        return None, f"no known vDSO clock_gettime on {machine}"
    try:
        function, arguments = _vdso_function(machine)
    except (OSError, AttributeError) as error:
        return None, f"vDSO {name} not found: {error}"
    return KernelClock(reader(function, arguments), f"vDSO {name}"), ""


def _vdso_function(machine: str) -> tuple[Callable[..., int], tuple[object, ...]]:
    """The vDSO's clock_gettime, and the arguments before the buffer that read CLOCK_REALTIME."""
    # RTLD_NOLOAD: only the image the kernel mapped, never a file by that name.
    vdso = ctypes.PyDLL("linux-vdso.so.1", mode=os.RTLD_NOLOAD | os.RTLD_LAZY)
    function = getattr(vdso, _VDSO_FUNCTIONS[machine])
    function.restype = ctypes.c_int
    return function, (ctypes.c_int(CLOCK_REALTIME),)


def _syscall(machine: str) -> tuple[KernelClock | None, str]:
    number = _SYSCALL_NUMBERS.get(machine)
    if number is None:
        return None, f"no known clock_gettime system call number on {machine}"
    try:
        function = ctypes.PyDLL(None, use_errno=True).syscall
    except (OSError, AttributeError) as error:
        return None, f"libc syscall() not found: {error}"
    function.restype = ctypes.c_long
    # syscall() reads longs: pass longs, not the C ints that plain Python ints become.
    arguments = (ctypes.c_long(number), ctypes.c_long(CLOCK_REALTIME))
    return KernelClock(reader(function, arguments), f"syscall({number}) through libc"), ""


def reader(
    function: Callable[..., int], arguments: tuple[object, ...]
) -> Callable[[], float | None]:
    """A read of CLOCK_REALTIME through ``function``: seconds, or None if it fails."""
    # The arguments are ctypes objects made once and no argtypes are set:
    # converting Python values at each call would double the call's cost.
    unpack = _TIMESPEC.unpack_from

    def read_own_buffer() -> float | None:
        buffer = ctypes.create_string_buffer(_TIMESPEC.size)
        if function(*arguments, buffer) != 0:
            return None
        seconds, nanoseconds = unpack(buffer)
        return float(seconds + nanoseconds * 1e-9)

    if not _gil_enabled():
        return read_own_buffer

    # PyDLL keeps the GIL through the call, so calls are serialised and one
    # buffer serves every thread: unpack_from copies both fields in one
    # step, and whatever it copies is a whole reading taken no earlier than
    # this call's. Without a GIL, each call needs a buffer of its own.
    shared = ctypes.create_string_buffer(_TIMESPEC.size)
    shared_arguments = (*arguments, shared)

    def read_shared_buffer() -> float | None:
        if function(*shared_arguments) != 0:
            return None
        seconds, nanoseconds = unpack(shared)
        return float(seconds + nanoseconds * 1e-9)

    return read_shared_buffer


def _gil_enabled() -> bool:
    return bool(getattr(sys, "_is_gil_enabled", lambda: True)())


def open_real_sleep(machine: str | None = None) -> Callable[[float], None] | None:
    """A sleep of real seconds, timed by the kernel's monotonic clock; None where there is none.

    Through libc's ``syscall()``, not ``time.sleep()``: Python computes that
    sleep's end from a monotonic clock libfaketime fakes, and the wait can
    then last for ever. CDLL, so that the GIL is released while it sleeps.
    """
    machine = machine or platform.machine()
    number = _SLEEP_NUMBERS.get(machine)
    if sys.platform != "linux" or number is None or ctypes.sizeof(ctypes.c_long) != 8:
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).syscall
    except (OSError, AttributeError):
        return None
    function.restype = ctypes.c_long
    fixed = (ctypes.c_long(number), ctypes.c_long(CLOCK_MONOTONIC), ctypes.c_long(0))
    null = ctypes.c_void_p(None)

    def sleep(seconds: float) -> None:
        whole = int(seconds)
        request = ctypes.create_string_buffer(_TIMESPEC.pack(whole, int((seconds - whole) * 1e9)))
        # An early return (EINTR) is only a shorter slice: the caller measures.
        function(*fixed, request, null)

    return sleep
