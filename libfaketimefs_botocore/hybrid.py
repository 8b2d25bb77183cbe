"""A block that is also a decorator: for functions, coroutines and generators.

``realtime_signing()`` and ``signing_time()`` are both used as ``with``,
``async with``, ``@block`` and ``@block()``. What they hold while they are
entered differs; how a decorated function holds it does not, so it is here.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncGenerator, Generator
from types import TracebackType
from typing import Any, Callable, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])


class BlockAndDecorator:
    """Subclasses say what ``__enter__`` and ``__exit__`` do; the rest follows.

    A decorated generator or async generator function holds the block only
    while its body runs: held while it sits suspended, the block would apply
    to the code that consumes it.
    """

    def __enter__(self) -> None:
        raise NotImplementedError

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> None:
        self.__enter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.__exit__(exc_type, exc_value, traceback)

    def __call__(self, func: F) -> F:
        if inspect.iscoroutinefunction(func):
            return cast(F, self._wrap_coroutine_function(func))
        if inspect.isasyncgenfunction(func):
            return cast(F, self._wrap_async_generator_function(func))
        if inspect.isgeneratorfunction(func):
            return cast(F, self._wrap_generator_function(func))

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)

        return cast(F, wrapper)

    def _wrap_coroutine_function(self, func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return await func(*args, **kwargs)

        return wrapper

    def _wrap_generator_function(self, func: Callable[..., Any]) -> Callable[..., Any]:
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
