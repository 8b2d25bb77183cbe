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
import sys
import time as time_module
from typing import TYPE_CHECKING, Any

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


_UTC = datetime.timezone.utc


if sys.version_info < (3, 12):
    _naive_utc = _Real.datetime.utcfromtimestamp
else:
    # utcfromtimestamp() is deprecated from 3.12 on, and warns at each call.

    def _naive_utc(seconds: float) -> datetime.datetime:
        return _Real.datetime.fromtimestamp(seconds, _UTC).replace(tzinfo=None)


if TYPE_CHECKING:
    _ObjectProxy = wrapt.ObjectProxy[Any]
    _CallableObjectProxy = wrapt.CallableObjectProxy[Any]
else:
    _ObjectProxy = wrapt.ObjectProxy
    _CallableObjectProxy = wrapt.CallableObjectProxy


def _reading() -> float | None:
    """The real time when the switch is on and there is a source of it, else None."""
    if not SWITCH.on:
        return None
    return clock.now()


class RealtimeFunction(_CallableObjectProxy):
    """Stands for one of botocore's module-level functions that read the clock.

    A callable proxy whose ``__call__`` is the stand-in, rather than a
    ``FunctionWrapper``: these are plain functions, looked up on their
    module, with no method binding to honour, and a ``FunctionWrapper`` call
    costs 0.6 µs more, over 1% of a SigV4 signature.
    """


class CurrentDatetime(RealtimeFunction):
    """``get_current_datetime(remove_tzinfo=True)``: naive UTC for SigV4, aware for CRT."""

    def __call__(self, remove_tzinfo: bool = True) -> datetime.datetime:
        seconds = _reading()
        if seconds is None:
            return self.__wrapped__(remove_tzinfo)  # type: ignore[no-any-return]
        if remove_tzinfo:
            return _naive_utc(seconds)
        return _Real.datetime.fromtimestamp(seconds, _UTC)


class Formatdate(RealtimeFunction):
    """``email.utils.formatdate`` as botocore.auth binds it: the SigV3 and HmacV1 ``Date``."""

    def __call__(
        self, timeval: float | None = None, localtime: bool = False, usegmt: bool = False
    ) -> str:
        # Only a call without a time reads the clock; botocore also formats
        # times of its own with it, and those pass through.
        if timeval is None:
            timeval = _reading()
        return self.__wrapped__(timeval, localtime, usegmt)  # type: ignore[no-any-return]


class BuildDpopHeader(RealtimeFunction):
    """``_build_dpop_header``: the login DPoP proof's ``"iat": ts or int(time.time())``."""

    def __call__(
        self, private_key: Any, uri: str, uid: str | None = None, ts: int | None = None
    ) -> str:
        if ts is None:
            seconds = _reading()
            if seconds is not None:
                ts = int(seconds)
        return self.__wrapped__(private_key, uri, uid=uid, ts=ts)  # type: ignore[no-any-return]


_logger = logging.getLogger("libfaketimefs_botocore")


class ShouldUseCrt(RealtimeFunction):
    """boto3's choice of the CRT transfer manager, which signs in C with the process clock.

    Its classic transfer manager signs through botocore. boto3 is asked
    first, so that its own errors (awscrt missing) still surface.
    """

    _steered = False

    def __call__(self, *args: Any, **kwargs: Any) -> bool:
        use_crt: bool = self.__wrapped__(*args, **kwargs)
        if not (use_crt and SWITCH.on):
            return use_crt
        if not ShouldUseCrt._steered:
            ShouldUseCrt._steered = True
            _logger.debug(
                "boto3's CRT transfer manager signs with the process clock: using its classic "
                "transfer manager while real-time signing is on"
            )
        return False


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
