"""Fresh processes, rotation, medians and ratios: what every measurement shares.

A measurement's work runs in a fresh process, as
``python -m benchmarks.runner MODULE FUNCTION ARGUMENTS-JSON``, which prints
the function's answer as JSON: one way in for every measurement, instead of
a flag each. Set-ups are rotated round after round, so that none always runs
first and machine drift cancels out; figures are medians over the rounds.
"""

from __future__ import annotations

import importlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Callable, TypeVar

ROOT = Path(__file__).resolve().parents[1]
T = TypeVar("T")


def run_env(realtime_file: str | None = None, faketimerc: str | None = None) -> dict[str, str]:
    """A worker's environment: none of the parent's fakers, pure-Python signers, this tree."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("FAKETIME", "LD_PRELOAD", "LIBFAKETIMEFS_BOTOCORE"))
    }
    env["BOTO_DISABLE_CRT"] = "true"
    env["PYTHONPATH"] = str(ROOT)
    if realtime_file is not None:
        env["FAKETIME_REALTIME_FILE"] = realtime_file
    if faketimerc is not None:
        from tests.harness.faketime import libfaketime

        env.update(
            LD_PRELOAD=libfaketime(), FAKETIME_TIMESTAMP_FILE=faketimerc, FAKETIME_NO_CACHE="1"
        )
    return env


def at_the_real_time() -> dict[str, str]:
    """libfaketime preloaded, faking nothing: OpenSSL's check is the library's to change."""
    from tests.harness.faketime import libfaketime

    return {"LD_PRELOAD": libfaketime(), "FAKETIME": "+0"}


def in_fresh_process(module: str, function: str, env: dict[str, str], *arguments: Any) -> Any:
    """``benchmarks.<module>.<function>(*arguments)`` in a fresh process, its answer."""
    process = subprocess.run(
        [sys.executable, "-m", "benchmarks.runner", module, function, json.dumps(arguments)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    answer = json.loads(process.stdout)
    if "LD_PRELOAD" in env and isinstance(answer, dict) and "pid" in answer:
        from tests.harness.faketime import remove_libfaketime_leftovers

        remove_libfaketime_leftovers(answer["pid"])
    return answer


def rotated(names: Sequence[str], rounds: int, run: Callable[[str], T]) -> dict[str, list[T]]:
    """``run(name)`` for every name, ``rounds`` times, the order rotated each round."""
    results: dict[str, list[T]] = {name: [] for name in names}
    for round_number in range(rounds):
        turn = round_number % len(names)
        for name in [*names[turn:], *names[:turn]]:
            results[name].append(run(name))
    return results


def median(values: Iterable[float]) -> float:
    return statistics.median(values)


def ratio(mine: Sequence[float], base: Sequence[float]) -> float:
    """The median, over the rounds, of each round's ratio."""
    return statistics.median(m / b for m, b in zip(mine, base))


def fastest(operation: Callable[[], object], count: int) -> float:
    """Seconds per call, the fastest of 7 batches that make ``count`` calls in all: a batch
    the machine interrupted says nothing about the code."""
    batches = []
    for _ in range(7):
        start = time.perf_counter()
        for _ in range(count // 7):
            operation()
        batches.append((time.perf_counter() - start) / (count // 7))
    return min(batches)


def turn_on(mode: str) -> None:
    """plain: no library; switch-off: wrap points installed, switch off; on: patched."""
    if mode != "plain":
        import libfaketimefs_botocore
        from libfaketimefs_botocore.installer import install_wrap_points

        install_wrap_points()
        if mode != "switch-off":
            libfaketimefs_botocore.patch_botocore()


def main() -> None:
    # One core for every worker: less noise from the scheduler.
    os.sched_setaffinity(0, {max(os.sched_getaffinity(0))})
    module, function, arguments = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    work = getattr(importlib.import_module(f"benchmarks.{module}"), function)
    print(json.dumps(work(*arguments)))


if __name__ == "__main__":
    main()
