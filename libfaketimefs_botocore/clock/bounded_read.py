"""A read of the realtime file that gives up after 2 seconds, without a timed wait.

A libfaketimefs daemon that stops answering (stopped, deadlocked, swapped
out) leaves its files open-able while every read blocks in the kernel, for
as long as the daemon does. So the file is read by a helper thread, and the
caller waits for its answer at most :data:`BOUND` seconds, measured with the
kernel clock, sleeping in short slices that the kernel times (never
``time.sleep()``, ``Event.wait(t)`` or a lock with a timeout: libfaketime
fakes the clocks those wait by, and can make them wait for ever).

A read that did not answer is left to the helper, which stays blocked in
the kernel until the daemon answers (a daemon thread: it does not keep the
interpreter from exiting). Until then every read of that file raises at
once, instead of queuing behind it; once it answers, the next read goes
ahead as before. A forked child starts with none of this.

Costs: one helper thread, started at the first read; on each read, a hand
over to it and back: about 80 µs here (the helper's wake-up, the GIL, the
kernel's timer slack on the first slice), on a read that goes through FUSE
at most once a second while the file agrees with the kernel clock.
"""

from __future__ import annotations

import os
import queue
import threading
from typing import Callable

from libfaketimefs_botocore.clock.realtime_file import RealtimeError, read_file

BOUND = 2.0  # seconds
FIRST_SLICE = 0.000005  # seconds; doubled up to LAST_SLICE while waiting
LAST_SLICE = 0.01


class _Read:
    """One read handed to the helper, and what came of it."""

    __slots__ = ("error", "finished", "path", "seconds")

    def __init__(self, path: str) -> None:
        self.path = path
        self.seconds: float | None = None
        self.error: RealtimeError | None = None
        self.finished = False  # set last, by the helper


class _Reader:
    """The helper thread, and the read it is stuck in, if one did not answer in time."""

    def __init__(self) -> None:
        self.requests: queue.SimpleQueue[_Read] = queue.SimpleQueue()
        self.stuck: _Read | None = None
        self.thread = threading.Thread(
            target=self._serve, name="libfaketimefs-botocore realtime reader", daemon=True
        )
        self.thread.start()

    def _serve(self) -> None:
        while True:
            read = self.requests.get()  # untimed: the helper waits for work, not for time
            try:
                read.seconds = read_file(read.path)
            except RealtimeError as error:
                read.error = error
            except BaseException as error:  # noqa: BLE001 - reported to the caller, never lost
                read.error = RealtimeError(read.path, f"cannot read it: {error!r}")
            read.finished = True
            if self.stuck is read:
                self.stuck = None  # the daemon answered again


_lock = threading.Lock()  # guards _reader; never held while waiting
_reader: _Reader | None = None


def read_within(
    path: str,
    kernel_now: Callable[[], float | None] | None,
    sleep: Callable[[float], None] | None,
) -> float:
    """The time stamp in ``path``, or RealtimeError; within :data:`BOUND` seconds.

    Without the kernel clock or its sleep (not Linux, an unknown
    architecture), the file is read in this thread, unbounded, as before.
    """
    started = None if kernel_now is None or sleep is None else kernel_now()
    if kernel_now is None or sleep is None or started is None:
        return read_file(path)
    read = _Read(path)
    reader = _hand_over(read)
    slice_ = FIRST_SLICE
    while not read.finished:
        now = kernel_now()
        if now is None or not started <= now < started + BOUND:
            if read.finished:
                break
            reader.stuck = read
            raise did_not_answer(path)
        sleep(slice_)
        slice_ = min(slice_ * 2, LAST_SLICE)
    if read.error is not None:
        raise read.error
    assert read.seconds is not None
    return read.seconds


def stalled(path: str) -> bool:
    """Whether a read of ``path`` did not answer in time and has not answered since."""
    reader = _reader
    stuck = None if reader is None else reader.stuck
    return stuck is not None and stuck.path == path and not stuck.finished


def _hand_over(read: _Read) -> _Reader:
    global _reader
    with _lock:
        reader = _reader
        if reader is not None and reader.stuck is not None and not reader.stuck.finished:
            if reader.stuck.path == read.path:
                raise did_not_answer(read.path)
            # Another file: this helper is still blocked in the old one.
            reader = None
        if reader is None:
            reader = _reader = _Reader()
        reader.requests.put(read)
        return reader


def did_not_answer(path: str) -> RealtimeError:
    return RealtimeError(
        path,
        f"it did not answer within {BOUND:.0f} s (is its libfaketimefs daemon stopped or "
        "wedged?); nothing was signed",
    )


def _forget_in_child() -> None:
    global _lock, _reader
    # The helper thread is not in the child, and a read stuck in the parent is not either.
    _lock = threading.Lock()
    _reader = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)
