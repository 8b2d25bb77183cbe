"""Stand-ins for the clocks the AWS libraries read; they know no library (the integrations do).

Each stand-in consults the switch on every call: off, or with no source of
the real time, it is the original; on, it asks the clock once and answers in
the type the original returns. Signing times come from
:func:`clock.signing_now` (the real time plus the offset learned for the
endpoint being signed for), expiry times from :func:`clock.now`. A
``signing_time()`` block turns them on for its own thread or task, and its
choice is the signing time there (:mod:`.state.chosen`). Every
datetime it makes is a plain ``datetime.datetime``, even while freezegun has
put its own class in the ``datetime`` module.

Each stand-in says which clock reads it answers (``COVERS``: paths off the
name it replaces, ``""`` for a call of the name itself; ``COVERS_BODY``: the
reads inside the function it wraps). The audit proves from these alone that a
read it finds in botocore's source is reached, so a stand-in that answers
less than it claims is a bug here, not in a second list.
"""

from __future__ import annotations

import datetime
import inspect
import logging
import sys
import time as time_module
from typing import TYPE_CHECKING, Any, Callable, ClassVar

import wrapt

from libfaketimefs_botocore import clock
from libfaketimefs_botocore.clock import endpoint_offsets
from libfaketimefs_botocore.clock.real_datetime import Real as _Real
from libfaketimefs_botocore.state import chosen, reading
from libfaketimefs_botocore.state.switch import SWITCH
from libfaketimefs_botocore.tls import signed_hosts

_UTC = datetime.timezone.utc


if sys.version_info < (3, 12):
    naive_utc = _Real.datetime.utcfromtimestamp
else:
    # utcfromtimestamp() is deprecated from 3.12 on, and warns at each call.

    def naive_utc(seconds: float) -> datetime.datetime:
        return _Real.datetime.fromtimestamp(seconds, _UTC).replace(tzinfo=None)


if TYPE_CHECKING:
    _FunctionWrapper = wrapt.FunctionWrapper[..., Any]
    _ObjectProxy = wrapt.ObjectProxy[Any]
    _CallableObjectProxy = wrapt.CallableObjectProxy[Any]
else:
    _FunctionWrapper = wrapt.FunctionWrapper
    _ObjectProxy = wrapt.ObjectProxy
    _CallableObjectProxy = wrapt.CallableObjectProxy


class RealtimeFunction(_CallableObjectProxy):
    """Stands for one of botocore's module-level functions that read the clock.

    A callable proxy whose ``__call__`` is the stand-in, rather than a
    ``FunctionWrapper``: these are plain functions, looked up on their
    module, with no method binding to honour, and a ``FunctionWrapper`` call
    costs 0.6 µs more, over 1% of a SigV4 signature.
    """

    COVERS: ClassVar[frozenset[str]] = frozenset()
    COVERS_BODY: ClassVar[bool] = False


class CurrentDatetime(RealtimeFunction):
    """``get_current_datetime(remove_tzinfo=True)`` for an expiry check (IMDS)."""

    COVERS = frozenset({""})

    _self_reading = staticmethod(reading.real)

    def __call__(self, remove_tzinfo: bool = True) -> datetime.datetime:
        # The flags first: this is the one read in every SigV4 signature.
        seconds = self._self_reading() if (SWITCH.on or chosen.blocks_open) else None
        if seconds is None:
            return self.__wrapped__(remove_tzinfo)  # type: ignore[no-any-return]
        if remove_tzinfo:
            return naive_utc(seconds)
        return _Real.datetime.fromtimestamp(seconds, _UTC)


class SigningCurrentDatetime(CurrentDatetime):
    """``get_current_datetime()`` for a signature: naive UTC for SigV4, aware for CRT."""

    _self_reading = staticmethod(reading.signing)


class Formatdate(RealtimeFunction):
    """``email.utils.formatdate`` as botocore.auth binds it: the SigV3 and HmacV1 ``Date``."""

    COVERS = frozenset({""})

    def __call__(
        self, timeval: float | None = None, localtime: bool = False, usegmt: bool = False
    ) -> str:
        # Only a call without a time reads the clock; botocore also formats
        # times of its own with it, and those pass through.
        if timeval is None:
            timeval = reading.signing()
        return self.__wrapped__(timeval, localtime, usegmt)  # type: ignore[no-any-return]


_logger = logging.getLogger("libfaketimefs_botocore")
_logged: set[str] = set()


def debug_once(message: str) -> None:
    """Say at DEBUG, once a process (a CRT transfer path steered to the classic one)."""
    if message not in _logged:
        _logged.add(message)
        _logger.debug(message)


class RealtimeDatetimeClass(_CallableObjectProxy):
    """Stands for ``datetime.datetime`` with ``now()`` and ``utcnow()`` on the real time.

    A proxy, not a subclass: botocore builds, parses and ``isinstance``-checks
    datetimes through the same name, and those must stay plain datetimes.
    """

    COVERS: ClassVar[frozenset[str]] = frozenset({"now", "utcnow"})

    _self_reading = staticmethod(reading.real)

    def now(self, tz: datetime.tzinfo | None = None) -> datetime.datetime:
        seconds = self._self_reading()
        if seconds is None:
            return self._self_original().now(tz)
        return _Real.datetime.fromtimestamp(seconds, tz)

    def utcnow(self) -> datetime.datetime:
        seconds = self._self_reading()
        if seconds is None:
            return self._self_original().utcnow()
        return naive_utc(seconds)

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


class SigningDatetimeClass(RealtimeDatetimeClass):
    """``datetime.datetime`` for a signature: ``utcnow()`` carries the endpoint's offset."""

    _self_reading = staticmethod(reading.signing)


class RealtimeDatetimeModule(_ObjectProxy):
    """Stands for the ``datetime`` module where botocore reads ``datetime.datetime.now()``.

    The module's name is replaced, not a function: ``_local_now`` is bound as
    a default argument and kept by credentials made before the patch, and its
    body looks the name up on every call.
    """

    COVERS: ClassVar[frozenset[str]] = frozenset({"datetime.now", "datetime.utcnow"})
    _self_class: type[RealtimeDatetimeClass] = RealtimeDatetimeClass

    def __init__(self, wrapped: Any) -> None:
        super().__init__(wrapped)
        self._self_datetime = self._self_class(_Real.datetime)

    @property
    def datetime(self) -> Any:
        # Off, exactly what botocore would see: the module's class, or what a
        # test put there (mock.patch('botocore.auth.datetime.datetime'), freezegun).
        # Spelt out rather than on_here(): in botocore's inline era this is
        # the read in every SigV4 signature.
        if not (SWITCH.on or (chosen.blocks_open and chosen.here() is not None)):
            return self.__wrapped__.datetime
        return self._self_datetime

    @datetime.setter
    def datetime(self, value: Any) -> None:
        # Set where botocore's own name would set it: on the datetime module.
        if isinstance(value, RealtimeDatetimeClass):
            value = value.__wrapped__
        self.__wrapped__.datetime = value


class SigningDatetimeModule(RealtimeDatetimeModule):
    """The ``datetime`` module where botocore reads a signing time (``utcnow()``)."""

    _self_class = SigningDatetimeClass


class RealtimeTimeModule(_ObjectProxy):
    """Stands for the ``time`` module in ``botocore.auth`` (SigV2, HmacV1 presigning)."""

    COVERS: ClassVar[frozenset[str]] = frozenset({"time", "gmtime"})

    def time(self) -> float:
        seconds = reading.signing()
        return time_module.time() if seconds is None else seconds

    def gmtime(self, secs: float | None = None) -> time_module.struct_time:
        if secs is None:
            secs = reading.signing()
        return time_module.gmtime(secs)


class RealtimeMethod(_FunctionWrapper):
    """A wrapt function wrapper of ours around a method of botocore's or aiobotocore's."""


def signing_for(url_of: Callable[..., str]) -> Callable[[Any], RealtimeMethod]:
    """A stand-in for a signing method: the endpoint it signs for, set around the call.

    ``url_of`` takes the method's arguments (not ``self``) and gives the URL.
    """
    return _signing(lambda instance, args, kwargs: url_of(*args, **kwargs))


def signing_by(url_of: Callable[..., str]) -> Callable[[Any], RealtimeMethod]:
    """:func:`signing_for` where the URL is the instance's to tell: ``url_of(self, *args,
    **kwargs)`` (a client that keeps its endpoint, as minio's does)."""
    return _signing(lambda instance, args, kwargs: url_of(instance, *args, **kwargs))


_UrlOf = Callable[[Any, "tuple[Any, ...]", "dict[str, Any]"], str]


def _signing(url: _UrlOf) -> Callable[[Any], RealtimeMethod]:
    def signing(
        wrapped: Callable[..., Any], instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        if signed_hosts.watching:
            signed_hosts.note(url(instance, args, kwargs))
        # Until an endpoint's clock is learned there is nothing to carry.
        if not (SWITCH.on and endpoint_offsets.offsets):
            return wrapped(*args, **kwargs)
        token = endpoint_offsets.signing_url.set(url(instance, args, kwargs))
        try:
            return wrapped(*args, **kwargs)
        finally:
            endpoint_offsets.signing_url.reset(token)

    async def signing_async(
        wrapped: Callable[..., Any], instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        if signed_hosts.watching:
            signed_hosts.note(url(instance, args, kwargs))
        if not (SWITCH.on and endpoint_offsets.offsets):
            return await wrapped(*args, **kwargs)
        token = endpoint_offsets.signing_url.set(url(instance, args, kwargs))
        try:
            return await wrapped(*args, **kwargs)
        finally:
            endpoint_offsets.signing_url.reset(token)

    def factory(original: Any) -> RealtimeMethod:
        if inspect.iscoroutinefunction(original):
            return RealtimeMethod(original, signing_async)
        return RealtimeMethod(original, signing)

    return factory


def learned(url: str, endpoint_now: float | None) -> bool:
    """Whether a refusal whose endpoint's clock said ``endpoint_now`` taught ``url``'s
    endpoint a clock other than the one it was signed for (None: it said no time)."""
    if endpoint_now is None:
        return False
    if clock.recheck_kernel():
        return True  # signed with a vDSO a faker had just overwritten: sign again, right
    real = clock.now()
    return real is not None and endpoint_offsets.learn(url, endpoint_now, real)


def prepared_request_url(request: Any, *args: Any, **kwargs: Any) -> str:
    """The URL of a ``requests`` or ``httpx`` request: an auth's ``__call__(request)``."""
    return str(request.url)


def _method_url(method: str, url: str, *args: Any, **kwargs: Any) -> str:
    return str(url)


# ``auth(request)`` of a requests ``AuthBase``.
signs_prepared_request = signing_for(prepared_request_url)
# ``sign(method, url, ...)``: aws-request-signer's and opensearch-py's.
signs_method_url = signing_for(_method_url)


STAND_IN_TYPES = (
    RealtimeFunction,
    RealtimeMethod,
    RealtimeDatetimeClass,
    RealtimeDatetimeModule,
    RealtimeTimeModule,
)
