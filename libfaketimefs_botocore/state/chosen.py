"""The signing times chosen with ``signing_time()``: a stack per thread or asyncio task.

A context variable holds the choice, so a block holds for the thread or task
that opened it (and the tasks it starts), and every other one signs as it
would have, without waiting for anything. The variable holds a stack, each
frame pointing at the one it covers, so that leaving a block needs no token
of the context it was entered in: one block object can be entered by many
threads at once, and a decorated generator re-enters it at each step.

State only: the stand-ins read it (:func:`here`), the public
``signing_time()`` (:mod:`libfaketimefs_botocore.chosen_time`) pushes and
pops it. Imports the clock, nothing above it.
"""

from __future__ import annotations

import datetime
import math
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Callable, NamedTuple

from libfaketimefs_botocore import clock
from libfaketimefs_botocore.clock.real_datetime import Real


def seconds_of(moment: object, argument: str) -> float:
    if not isinstance(moment, Real.datetime):
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


class Fixed(Choice):
    def __init__(self, seconds: float) -> None:
        self._seconds = seconds

    def seconds(self) -> float:
        return self._seconds


class Called(Choice):
    def __init__(self, at: Callable[[], datetime.datetime]) -> None:
        self._at = at

    def seconds(self) -> float:
        # Checked at each call: what a callable returns is known only then,
        # and a bad answer must stop the signature, not sign with something else.
        return seconds_of(self._at(), "at=...()")


class Floored(Choice):
    def __init__(self, step: float) -> None:
        self._step = step

    def seconds(self) -> float:
        real = clock.required("signing_time(floor=...) rounds the real time")
        return math.floor(real / self._step) * self._step


class Frame(NamedTuple):
    choice: Choice
    covers: Frame | None


frames: ContextVar[Frame | None] = ContextVar("libfaketimefs_botocore_signing_time", default=None)

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
    frame = frames.get()
    return None if frame is None else frame.choice


def _count(change: int) -> None:
    global blocks_open
    with _count_lock:
        blocks_open += change


def enter(choice: Choice) -> None:
    """Open a block of ``choice`` in this context, over the ones open here."""
    _count(+1)
    frames.set(Frame(choice, frames.get()))


def leave(choice: Choice) -> None:
    """Close this context's innermost block, which must be ``choice``'s.

    No token of the context it was entered in is needed: one block object
    can be entered by many threads at once, and a decorated generator
    re-enters it at each step.
    """
    frame = frames.get()
    if frame is None or frame.choice is not choice:
        raise RuntimeError("signing_time() block left in a context that did not enter it")
    frames.set(frame.covers)
    _count(-1)


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
    choice = Fixed(seconds)
    enter(choice)
    try:
        yield
    finally:
        leave(choice)
