"""Turning real-time signing on: for good, for a block, or for a function."""

from __future__ import annotations

from types import TracebackType
from typing import overload

from libfaketimefs_botocore.hybrid import BlockAndDecorator
from libfaketimefs_botocore.hybrid import F as _F
from libfaketimefs_botocore.switch import SWITCH


def install_wrap_points() -> None:
    """Register the import hooks of the wrap points and the TLS handshakes; imports wrapt."""
    # Imported on first use, not with the package: wrapt 2 imports asyncio,
    # which would more than double the cost of `import libfaketimefs_botocore`.
    from libfaketimefs_botocore import wrap_points
    from libfaketimefs_botocore.tls import handshake

    wrap_points.install()
    handshake.install()


def patch_botocore() -> None:
    """Send botocore's clock reads to the real time from now on. Idempotent."""
    install_wrap_points()
    SWITCH.hold_for_good()


class RealtimeSigning(BlockAndDecorator):
    """Real-time signing for a block (``with``/``async with``) or a function."""

    def __enter__(self) -> None:
        install_wrap_points()
        SWITCH.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        SWITCH.release()


@overload
def realtime_signing() -> RealtimeSigning: ...


@overload
def realtime_signing(func: _F, /) -> _F: ...


def realtime_signing(func: _F | None = None, /) -> RealtimeSigning | _F:
    """Sign with the real time while a block or a function runs.

    ``with realtime_signing():``, ``async with realtime_signing():``,
    ``@realtime_signing`` and ``@realtime_signing()`` all work; a decorated
    coroutine function is on while awaited, a generator or async generator
    function while its body runs.
    """
    if func is None:
        return RealtimeSigning()
    return RealtimeSigning()(func)
