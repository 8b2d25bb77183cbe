"""``signing_time()``: sign with a time of the caller's choosing, for one thread or task.

``signing_time(at=...)`` signs with a given time, ``signing_time(floor=...)``
with the real time rounded down to a multiple of a step, so that presigned
URLs made within one step are the same URL (and a CDN or a browser can cache
what they fetch). Only signing times move: credential and token expiry keep
the real time, and the clock learned for an endpoint does not apply to a
time the caller chose.

Public API: the choices and their stack are state
(:mod:`libfaketimefs_botocore.state.chosen`); this module checks the
arguments and holds the block, and installs the wrap points on entry.
"""

from __future__ import annotations

import datetime
from types import TracebackType
from typing import Callable, Union, overload

from libfaketimefs_botocore.clock.real_datetime import Real
from libfaketimefs_botocore.hybrid import BlockAndDecorator
from libfaketimefs_botocore.installer import install_wrap_points
from libfaketimefs_botocore.state import chosen
from libfaketimefs_botocore.state.chosen import Called, Choice, Fixed, Floored, seconds_of

At = Union[datetime.datetime, Callable[[], datetime.datetime]]


class SigningTime(BlockAndDecorator):
    """Sign with a chosen time in this thread or task, for a block or a function."""

    name = "signing_time(...)"

    def __init__(self, choice: Choice) -> None:
        self._choice = choice

    def __enter__(self) -> None:
        install_wrap_points()
        chosen.enter(self._choice)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        chosen.leave(self._choice)


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
        return Floored(step)
    if isinstance(at, Real.datetime):
        return Fixed(seconds_of(at, "at=..."))
    if callable(at):
        return Called(at)
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
