"""Turning real-time signing on: for good, for a block, or for a function."""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncGenerator, Generator
from types import TracebackType
from typing import Any, Callable, TypeVar, cast, overload

from libfaketimefs_botocore.switch import SWITCH

_F = TypeVar("_F", bound=Callable[..., Any])


def _install_wrap_points() -> None:
    # Imported on first use, not with the package: wrapt 2 imports asyncio,
    # which would more than double the cost of `import libfaketimefs_botocore`.
    from libfaketimefs_botocore import wrap_points

    wrap_points.install()


def patch_botocore() -> None:
    """Send botocore's clock reads to the real time from now on. Idempotent."""
    _install_wrap_points()
    SWITCH.hold_for_good()


class RealtimeSigning:
    """Real-time signing for a block (``with``/``async with``) or a function."""

    def __enter__(self) -> None:
        _install_wrap_points()
        SWITCH.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        SWITCH.release()

    async def __aenter__(self) -> None:
        self.__enter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.__exit__(exc_type, exc_value, traceback)

    def __call__(self, func: _F) -> _F:
        if inspect.iscoroutinefunction(func):
            return cast(_F, self._wrap_coroutine_function(func))
        if inspect.isasyncgenfunction(func):
            return cast(_F, self._wrap_async_generator_function(func))
        if inspect.isgeneratorfunction(func):
            return cast(_F, self._wrap_generator_function(func))

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)

        return cast(_F, wrapper)

    def _wrap_coroutine_function(self, func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return await func(*args, **kwargs)

        return wrapper

    def _wrap_generator_function(self, func: Callable[..., Any]) -> Callable[..., Any]:
        # On only while the body runs: the switch is global, so leaving it on
        # while the generator sits suspended would leak it to its consumer.
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Generator[Any, Any, Any]:
            generator = func(*args, **kwargs)
            sent: Any = None
            thrown: BaseException | None = None
            while True:
                try:
                    with self:
                        item = generator.send(sent) if thrown is None else generator.throw(thrown)
                except StopIteration as stop:
                    return stop.value
                try:
                    sent, thrown = (yield item), None
                except GeneratorExit:
                    with self:
                        generator.close()
                    raise
                except BaseException as error:  # noqa: BLE001 - handed to the body
                    sent, thrown = None, error

        return wrapper

    def _wrap_async_generator_function(self, func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        async def wrapper(*args: Any, **kwargs: Any) -> AsyncGenerator[Any, Any]:
            generator = func(*args, **kwargs)
            sent: Any = None
            thrown: BaseException | None = None
            while True:
                try:
                    with self:
                        step = generator.asend(sent) if thrown is None else generator.athrow(thrown)
                        item = await step
                except StopAsyncIteration:
                    return
                try:
                    sent, thrown = (yield item), None
                except GeneratorExit:
                    with self:
                        await generator.aclose()
                    raise
                except BaseException as error:  # noqa: BLE001 - handed to the body
                    sent, thrown = None, error

        return wrapper


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
