"""Turning real-time signing on: for good, for a block, or for a function.

Public API: the switch is state (:mod:`libfaketimefs_botocore.state.switch`);
the wrap points are installed at the first use (:mod:`.installer`).
"""

from __future__ import annotations

from types import TracebackType
from typing import overload

from libfaketimefs_botocore.hybrid import TC as _TC
from libfaketimefs_botocore.hybrid import BlockAndDecorator
from libfaketimefs_botocore.hybrid import F as _F
from libfaketimefs_botocore.installer import install_native, install_wrap_points
from libfaketimefs_botocore.state.switch import SWITCH


def patch_botocore() -> None:
    """Send botocore's clock reads to the real time from now on. Idempotent."""
    install_wrap_points()
    SWITCH.hold_for_good()
    install_native()


class RealtimeSigning(BlockAndDecorator):
    """Real-time signing for a block (``with``/``async with``), a function or a TestCase."""

    name = "realtime_signing()"

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
def realtime_signing(func: type[_TC], /) -> type[_TC]: ...


@overload
def realtime_signing(func: _F, /) -> _F: ...


def realtime_signing(func: _F | type[_TC] | None = None, /) -> RealtimeSigning | _F | type[_TC]:
    """Sign with the real time while a block or a function runs.

    ``with realtime_signing():``, ``async with realtime_signing():``,
    ``@realtime_signing`` and ``@realtime_signing()`` all work; a decorated
    coroutine function is on while awaited, a generator or async generator
    function while its body runs, a ``unittest.TestCase`` class from its
    ``setUpClass`` to its ``tearDownClass``. Anything else is a ``TypeError``.
    """
    if func is None:
        return RealtimeSigning()
    return RealtimeSigning()(func)
