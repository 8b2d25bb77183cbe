"""A block that is also a decorator: for functions, coroutines and generators.

``realtime_signing()`` and ``signing_time()`` are both used as ``with``,
``async with``, ``@block`` and ``@block()``. What they hold while they are
entered differs; how a decorated function holds it does not, so it is here.
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import AsyncGenerator, Generator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Callable, TypeVar, cast, overload

if TYPE_CHECKING:
    import unittest  # its import costs 20 ms: a TestCase given here has imported it

F = TypeVar("F", bound=Callable[..., Any])
TC = TypeVar("TC", bound="unittest.TestCase")


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

    # How the user wrote it, for the messages: "realtime_signing", "signing_time(...)".
    name = "the block"

    @overload
    def __call__(self, func: type[TC]) -> type[TC]: ...

    @overload
    def __call__(self, func: F) -> F: ...

    def __call__(self, func: F | type[TC]) -> F | type[TC]:
        if isinstance(func, type):
            return cast(F, self._wrap_test_case(func))
        if not (inspect.isfunction(func) or inspect.ismethod(func)):
            raise TypeError(
                f"@{self.name} decorates a function, a coroutine function, a generator function "
                f"or a unittest.TestCase class, not {_described(func)}. For a block, use "
                f"`with {self.name}:`; for a pytest test or class, the marker "
                "@pytest.mark.realtime_signing; under @staticmethod or @classmethod, put it "
                "closest to the function."
            )
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

    def _wrap_test_case(self, cls: type) -> type:
        """On from ``setUpClass`` to ``tearDownClass``: each test, and its class's set-up and
        tear-down, run with it on; the class stays the class (as time-machine's and
        freezegun's decorators do)."""
        unittest = sys.modules.get("unittest")  # not imported: cls cannot be a TestCase
        if unittest is None or not issubclass(cls, unittest.TestCase):
            raise TypeError(
                f"@{self.name} decorates unittest.TestCase classes, not {cls.__qualname__}: "
                "for a pytest test class, mark it with @pytest.mark.realtime_signing "
                "(or turn it on for the whole session: pytest --realtime-signing)"
            )
        set_up_class = cls.__dict__.get("setUpClass", None)
        tear_down_class = cls.__dict__.get("tearDownClass", None)
        block = self

        def setUpClass(klass: type) -> None:
            block.__enter__()
            try:
                if set_up_class is not None:
                    set_up_class.__func__(klass)
                else:
                    super(cls, klass).setUpClass()  # type: ignore[arg-type]
            except BaseException:
                block.__exit__(None, None, None)
                raise

        def tearDownClass(klass: type) -> None:
            try:
                if tear_down_class is not None:
                    tear_down_class.__func__(klass)
                else:
                    super(cls, klass).tearDownClass()  # type: ignore[arg-type]
            finally:
                block.__exit__(None, None, None)

        cls.setUpClass = classmethod(setUpClass)  # type: ignore[attr-defined]
        cls.tearDownClass = classmethod(tearDownClass)  # type: ignore[attr-defined]
        return cls

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


def _described(thing: object) -> str:
    if isinstance(thing, (staticmethod, classmethod, property)):
        return f"a {type(thing).__name__} object"
    return f"{type(thing).__name__} {thing!r}"[:80]
