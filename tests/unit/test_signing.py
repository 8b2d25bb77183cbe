"""realtime_signing and patch_botocore: every form, and the switch before, during and after."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Iterator

import pytest

from libfaketimefs_botocore import realtime_signing
from libfaketimefs_botocore.state.switch import SWITCH, Switch
from tests.harness.threads import run_together

pytestmark = pytest.mark.skipif(
    SWITCH.held_for_good, reason="the switch is held for good in this process"
)


def test_context_manager() -> None:
    assert not SWITCH.on
    with realtime_signing():
        assert SWITCH.on
        assert SWITCH.count == 1
    assert not SWITCH.on
    assert SWITCH.count == 0


def test_async_context_manager() -> None:
    async def main() -> bool:
        async with realtime_signing():
            return SWITCH.on

    assert asyncio.run(main())
    assert not SWITCH.on


def test_nested_and_reused() -> None:
    block = realtime_signing()
    with block:
        with realtime_signing(), block:
            assert SWITCH.count == 3
        assert SWITCH.count == 1
    assert SWITCH.count == 0


def test_exception_leaves_the_switch_as_it_was() -> None:
    with realtime_signing():
        with pytest.raises(ValueError, match="boom"), realtime_signing():
            raise ValueError("boom")
        assert SWITCH.count == 1
    assert SWITCH.count == 0


@pytest.mark.parametrize("form", ["bare", "called"])
def test_decorated_function(form: str) -> None:
    def add(a: int, b: int = 2) -> tuple[int, bool]:
        """Add two numbers."""
        return a + b, SWITCH.on

    decorated = realtime_signing(add) if form == "bare" else realtime_signing()(add)
    assert decorated(1) == (3, True)
    assert not SWITCH.on
    assert decorated.__name__ == "add"
    assert decorated.__doc__ == "Add two numbers."
    assert inspect.signature(decorated) == inspect.signature(add)


def test_decorated_function_that_raises() -> None:
    @realtime_signing
    def fail() -> None:
        assert SWITCH.on
        raise KeyError("x")

    with pytest.raises(KeyError):
        fail()
    assert SWITCH.count == 0


def test_decorated_method() -> None:
    class Client:
        @realtime_signing
        def call(self, value: int) -> tuple[int, bool]:
            return value, SWITCH.on

    assert Client().call(5) == (5, True)
    assert not SWITCH.on


def test_decorated_coroutine_function_is_on_while_awaited() -> None:
    seen: list[bool] = []

    @realtime_signing
    async def call(value: int) -> int:
        seen.append(SWITCH.on)
        await asyncio.sleep(0)
        seen.append(SWITCH.on)
        return value

    assert inspect.iscoroutinefunction(call)
    coroutine = call(7)
    assert not SWITCH.on  # created, not yet awaited
    assert asyncio.run(coroutine) == 7
    assert seen == [True, True]
    assert not SWITCH.on


def test_decorated_generator_is_on_only_while_its_body_runs() -> None:
    seen: list[tuple[str, bool]] = []

    @realtime_signing()
    def numbers(limit: int) -> Iterator[int]:
        """Count."""
        try:
            for number in range(limit):
                seen.append(("body", SWITCH.on))
                received = yield number
                if received is not None:
                    seen.append(("sent", SWITCH.on))
        finally:
            seen.append(("finally", SWITCH.on))

    assert inspect.isgeneratorfunction(numbers)
    assert numbers.__doc__ == "Count."
    generator = numbers(5)
    assert next(generator) == 0
    seen.append(("consumer", SWITCH.on))
    assert generator.send("x") == 1
    generator.close()
    assert seen == [
        ("body", True),
        ("consumer", False),
        ("sent", True),
        ("body", True),
        ("finally", True),
    ]
    assert list(numbers(3)) == [0, 1, 2]
    assert SWITCH.count == 0


def test_decorated_generator_return_value_and_thrown_exception() -> None:
    @realtime_signing
    def worker() -> Iterator[int]:
        try:
            yield 1
        except ValueError:
            yield 2
        return

    generator = worker()
    assert next(generator) == 1
    assert generator.throw(ValueError()) == 2
    with pytest.raises(StopIteration):
        next(generator)
    assert SWITCH.count == 0

    @realtime_signing
    def returns() -> Iterator[int]:
        yield 1
        return 42

    generator = returns()
    next(generator)
    with pytest.raises(StopIteration) as stop:
        next(generator)
    assert stop.value.value == 42


def test_decorated_async_generator_is_on_only_while_its_body_runs() -> None:
    seen: list[tuple[str, bool]] = []

    @realtime_signing
    async def numbers(limit: int) -> AsyncIterator[int]:
        for number in range(limit):
            seen.append(("body", SWITCH.on))
            await asyncio.sleep(0)
            yield number

    assert inspect.isasyncgenfunction(numbers)

    async def main() -> list[int]:
        result = []
        async for number in numbers(2):
            seen.append(("consumer", SWITCH.on))
            result.append(number)
        return result

    assert asyncio.run(main()) == [0, 1]
    assert seen == [("body", True), ("consumer", False), ("body", True), ("consumer", False)]
    assert SWITCH.count == 0


def test_release_without_acquire_is_an_error() -> None:
    switch = Switch()
    with pytest.raises(RuntimeError):
        switch.release()


def test_switch_counts_exactly_under_threads() -> None:
    switch = Switch()

    def work() -> None:
        for _ in range(2000):
            switch.acquire()
            switch.release()

    run_together(work)
    assert switch.count == 0
    assert not switch.on


def test_held_for_good_stays_on() -> None:
    switch = Switch()
    switch.acquire()
    switch.hold_for_good()
    switch.release()
    assert switch.on
    switch.hold_for_good()
    assert switch.on
