"""What stands in botocore's modules for the clocks it reads.

Each stand-in consults the switch on every call: off, or with no source of
the real time, it is the original; on, it asks :func:`clock.now` once and
answers in the type the original returns. Every datetime it makes is a plain
``datetime.datetime``, even while freezegun has put its own class in the
``datetime`` module.
"""

from __future__ import annotations

import datetime
import logging
import time as time_module
from typing import TYPE_CHECKING, Any, Callable

import wrapt

from libfaketimefs_botocore import clock
from libfaketimefs_botocore.switch import SWITCH


class _Real:
    """The real ``datetime.datetime``, out of freezegun's reach.

    freezegun swaps every module-level name bound to the class, so it is kept
    in a class attribute; and taken as the type of ``min``, which its
    subclass inherits, in case this module is imported during a freeze.
    """

    datetime: type[datetime.datetime] = type(datetime.datetime.min)


_TIMEDELTA = datetime.timedelta
_UTC = datetime.timezone.utc
_EPOCH = _Real.datetime(1970, 1, 1)


def _naive_utc(seconds: float) -> datetime.datetime:
    # Three times as fast as fromtimestamp(seconds, utc).replace(tzinfo=None),
    # and without utcfromtimestamp's deprecation warning.
    return _EPOCH + _TIMEDELTA(0, seconds)


if TYPE_CHECKING:
    _FunctionWrapper = wrapt.FunctionWrapper[..., Any]
    _ObjectProxy = wrapt.ObjectProxy[Any]
    _CallableObjectProxy = wrapt.CallableObjectProxy[Any]
else:
    _FunctionWrapper = wrapt.FunctionWrapper
    _ObjectProxy = wrapt.ObjectProxy
    _CallableObjectProxy = wrapt.CallableObjectProxy


def _reading() -> float | None:
    """The real time when the switch is on and there is a source of it, else None."""
    if not SWITCH.on:
        return None
    return clock.now()


class RealtimeFunction(_FunctionWrapper):
    """A wrapt function wrapper of ours, so that installing twice is a no-op."""


def _realtime_function(
    wrapper: Callable[[Any, Any, tuple[Any, ...], dict[str, Any]], Any],
) -> Callable[[Any], RealtimeFunction]:
    return lambda original: RealtimeFunction(original, wrapper)


def _remove_tzinfo(remove_tzinfo: bool = True) -> bool:
    return remove_tzinfo


def _current_datetime(
    wrapped: Callable[..., datetime.datetime],
    instance: object,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> datetime.datetime:
    # botocore.compat.get_current_datetime(remove_tzinfo=True): naive UTC for
    # SigV4, aware UTC for the CRT signers.
    seconds = _reading()
    if seconds is None:
        return wrapped(*args, **kwargs)
    if (not args and not kwargs) or _remove_tzinfo(*args, **kwargs):
        return _naive_utc(seconds)
    return _Real.datetime.fromtimestamp(seconds, _UTC)


def _formatdate_arguments(
    timeval: float | None = None, localtime: bool = False, usegmt: bool = False
) -> tuple[float | None, bool, bool]:
    return timeval, localtime, usegmt


def _formatdate(
    wrapped: Callable[..., str],
    instance: object,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> str:
    # Only formatdate() without a time reads the clock; botocore also formats
    # times of its own with it, and those pass through.
    timeval, localtime, usegmt = _formatdate_arguments(*args, **kwargs)
    if timeval is None:
        timeval = _reading()
    return wrapped(timeval, localtime, usegmt)


def _dpop_arguments(
    private_key: Any, uri: str, uid: str | None = None, ts: int | None = None
) -> tuple[Any, str, str | None, int | None]:
    return private_key, uri, uid, ts


def _build_dpop_header(
    wrapped: Callable[..., str],
    instance: object,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> str:
    # The login DPoP proof carries "iat": ts or int(time.time()).
    private_key, uri, uid, ts = _dpop_arguments(*args, **kwargs)
    if ts is None:
        seconds = _reading()
        if seconds is not None:
            ts = int(seconds)
    return wrapped(private_key, uri, uid=uid, ts=ts)


_logger = logging.getLogger("libfaketimefs_botocore")
_steered_away_from_crt = False


def _should_use_crt(
    wrapped: Callable[..., bool],
    instance: object,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> bool:
    # boto3's CRT transfer manager signs in C, by a clock that libfaketime
    # fakes and no wrapper here reaches; its classic manager signs through
    # botocore. Asked first, so boto3's own errors (no awscrt) still surface.
    use_crt = wrapped(*args, **kwargs)
    if not (use_crt and SWITCH.on):
        return use_crt
    global _steered_away_from_crt
    if not _steered_away_from_crt:
        _steered_away_from_crt = True
        _logger.debug(
            "boto3's CRT transfer manager signs with the process clock: using its classic "
            "transfer manager while real-time signing is on"
        )
    return False


current_datetime = _realtime_function(_current_datetime)
formatdate = _realtime_function(_formatdate)
build_dpop_header = _realtime_function(_build_dpop_header)
should_use_crt = _realtime_function(_should_use_crt)


class RealtimeDatetimeClass(_CallableObjectProxy):
    """Stands for ``datetime.datetime`` with ``now()`` and ``utcnow()`` on the real time.

    A proxy, not a subclass: botocore builds, parses and ``isinstance``-checks
    datetimes through the same name, and those must stay plain datetimes.
    """

    def now(self, tz: datetime.tzinfo | None = None) -> datetime.datetime:
        seconds = _reading()
        if seconds is None:
            return self._self_original().now(tz)
        return _Real.datetime.fromtimestamp(seconds, tz)

    def utcnow(self) -> datetime.datetime:
        seconds = _reading()
        if seconds is None:
            return self._self_original().utcnow()
        return _naive_utc(seconds)

    def _self_original(self) -> type[datetime.datetime]:
        # freezegun replaces the datetime module's class and every module's
        # binding of it, but not this proxy: follow the module, as the
        # binding would have.
        wrapped: type[datetime.datetime] = self.__wrapped__
        return datetime.datetime if wrapped is _Real.datetime else wrapped

    def __instancecheck__(self, instance: object) -> bool:
        return isinstance(instance, self.__wrapped__)

    def __subclasscheck__(self, subclass: type) -> bool:
        return issubclass(subclass, self.__wrapped__)


class RealtimeDatetimeModule(_ObjectProxy):
    """Stands for the ``datetime`` module where botocore reads ``datetime.datetime.now()``.

    The module's name is replaced, not a function: ``_local_now`` is bound as
    a default argument and kept by credentials made before the patch, and its
    body looks the name up on every call.
    """

    def __init__(self, wrapped: Any) -> None:
        super().__init__(wrapped)
        self._self_datetime = RealtimeDatetimeClass(_Real.datetime)

    @property
    def datetime(self) -> RealtimeDatetimeClass:
        return self._self_datetime


class RealtimeTimeModule(_ObjectProxy):
    """Stands for the ``time`` module in ``botocore.auth`` (SigV2, HmacV1 presigning)."""

    def time(self) -> float:
        seconds = _reading()
        return time_module.time() if seconds is None else seconds

    def gmtime(self, secs: float | None = None) -> time_module.struct_time:
        if secs is None:
            secs = _reading()
        return time_module.gmtime(secs)


STAND_IN_TYPES = (
    RealtimeFunction,
    RealtimeDatetimeClass,
    RealtimeDatetimeModule,
    RealtimeTimeModule,
)
