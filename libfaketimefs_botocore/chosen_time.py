"""A signing time of the caller's choosing, for one thread or asyncio task.

``signing_time(at=...)`` signs with a given time, ``signing_time(floor=...)``
with the real time rounded down to a multiple of a step, so that presigned
URLs made within one step are the same URL (and a CDN or a browser can cache
what they fetch). Only signing times move: credential and token expiry keep
the real time, and the clock learned for an endpoint does not apply to a
time the caller chose.

A context variable holds the choice, so a block holds for the thread or task
that opened it (and the tasks it starts), and every other one signs as it
would have, without waiting for anything. The variable holds a stack, each
frame pointing at the one it covers, so that leaving a block needs no token
of the context it was entered in: one block object can be entered by many
threads at once, and a decorated generator re-enters it at each step.
"""

from __future__ import annotations

import datetime
import math
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from types import TracebackType
from typing import Callable, NamedTuple, Union, overload

from libfaketimefs_botocore import clock
from libfaketimefs_botocore.hybrid import BlockAndDecorator
from libfaketimefs_botocore.signing import install_wrap_points

At = Union[datetime.datetime, Callable[[], datetime.datetime]]

# The real class, even when freezegun has put its own in the module.
_DATETIME = type(datetime.datetime.min)


def _seconds_of(moment: object, argument: str) -> float:
    if not isinstance(moment, _DATETIME):
        raise TypeError(
            f"signing_time({argument}): expected an aware datetime, got {type(moment).__name__}"
        )
    if moment.utcoffset() is None:
        raise ValueError(
            f"signing_time({argument}): {moment!r} is a naive datetime; give one with a "
            "time zone, such as datetime.datetime.now(datetime.timezone.utc)"
        )
    return moment.timestamp()


class Choice:
    """Where a chosen signing time comes from; ``seconds()`` answers it as a Unix time."""

    def seconds(self) -> float:
        raise NotImplementedError


class _Fixed(Choice):
    def __init__(self, seconds: float) -> None:
        self._seconds = seconds

    def seconds(self) -> float:
        return self._seconds


class _Called(Choice):
    def __init__(self, at: Callable[[], datetime.datetime]) -> None:
        self._at = at

    def seconds(self) -> float:
        # Checked at each call: what a callable returns is known only then,
        # and a bad answer must stop the signature, not sign with something else.
        return _seconds_of(self._at(), "at=...()")


class _Floored(Choice):
    def __init__(self, step: float) -> None:
        self._step = step

    def seconds(self) -> float:
        real = clock.now()
        if real is None:
            raise clock.RealtimeError(
                clock.realtime_file() or "",
                "signing_time(floor=...) rounds the real time, and this process has no "
                "source of it (no realtime file, and no way to the kernel's clock)",
            )
        return math.floor(real / self._step) * self._step


class _Frame(NamedTuple):
    choice: Choice
    covers: _Frame | None


_frames: ContextVar[_Frame | None] = ContextVar("libfaketimefs_botocore_signing_time", default=None)

# How many blocks are open in the whole process: while none is, the stand-ins
# skip the context variable, and a clock read with the library off costs what
# it did before this module. Counted under a lock at entry and exit only,
# never while anyone signs; read without it.
blocks_open = 0
_count_lock = threading.Lock()


def here() -> Choice | None:
    """The choice of the innermost ``signing_time`` block of this context, if any."""
    if not blocks_open:
        return None
    frame = _frames.get()
    return None if frame is None else frame.choice


def _count(change: int) -> None:
    global blocks_open
    with _count_lock:
        blocks_open += change


def _new_lock_in_child() -> None:
    global _count_lock
    # A thread of the parent may have held it at the fork. The count stays:
    # at worst the child looks at its context variable for nothing.
    _count_lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_new_lock_in_child)


@contextmanager
def pinned(seconds: float) -> Iterator[None]:
    """Sign with ``seconds`` in this context while one signature is made.

    For a signer that reads the clock more than once for one signature (a
    key's date, then the request's time): every read answers the same time,
    so that a midnight, a floor's step or a callable's answer cannot fall
    between them. Left in the context it was entered in.
    """
    _count(+1)
    token = _frames.set(_Frame(_Fixed(seconds), _frames.get()))
    try:
        yield
    finally:
        _frames.reset(token)
        _count(-1)


class SigningTime(BlockAndDecorator):
    """Sign with a chosen time in this thread or task, for a block or a function."""

    def __init__(self, choice: Choice) -> None:
        self._choice = choice

    def __enter__(self) -> None:
        install_wrap_points()
        _count(+1)
        _frames.set(_Frame(self._choice, _frames.get()))

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        frame = _frames.get()
        if frame is None or frame.choice is not self._choice:
            raise RuntimeError("signing_time() block left in a context that did not enter it")
        _frames.set(frame.covers)
        _count(-1)


def _choice(at: At | None, floor: datetime.timedelta | None) -> Choice:
    if (at is None) == (floor is None):
        raise ValueError(
            "signing_time() takes exactly one of at= (the time to sign with) and floor= "
            "(a step to round the real time down to)"
        )
    if floor is not None:
        if not isinstance(floor, datetime.timedelta):
            raise TypeError(
                "signing_time(floor=...): expected a datetime.timedelta, "
                f"got {type(floor).__name__}"
            )
        step = floor.total_seconds()
        if step <= 0:
            raise ValueError(f"signing_time(floor=...): must be positive, got {floor!r}")
        return _Floored(step)
    if isinstance(at, _DATETIME):
        return _Fixed(_seconds_of(at, "at=..."))
    if callable(at):
        return _Called(at)
    raise TypeError(
        "signing_time(at=...): expected an aware datetime or a function returning one, "
        f"got {type(at).__name__}"
    )


@overload
def signing_time(at: At, *, floor: None = None) -> SigningTime: ...


@overload
def signing_time(at: None = None, *, floor: datetime.timedelta) -> SigningTime: ...


def signing_time(at: At | None = None, *, floor: datetime.timedelta | None = None) -> SigningTime:
    """Sign with a chosen time while a block or a function runs, in this thread or task.

    ``at``: an aware datetime, or a function returning one, called at each
    signature. ``floor``: a positive timedelta; sign with the real time
    rounded down to a multiple of it, counted from the epoch. Exactly one of
    the two. Used as ``with``, ``async with`` or a decorator, as
    :func:`realtime_signing` is; nested blocks: the innermost wins. Inside the
    block credentials and tokens are judged by the real time, as under
    :func:`realtime_signing`.
    """
    return SigningTime(_choice(at, floor))
