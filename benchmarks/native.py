"""Redirecting a native client's clock imports: the cost, once per shared object.

The time of ``native.redirection.apply()`` for each native client's objects
(find them loaded, read their tables from their images, check and write their slots), in a fresh
process each round; against the import that loads the object, so that the
figure has a scale.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import time

from benchmarks import runner
from benchmarks.context import Context
from libfaketimefs_botocore import integrations

# module -> the start of its object's file name: the integrations' own NATIVE.
CLIENTS = {native.module: native for _, native in integrations.NATIVE}


def work(module: str) -> dict[str, float]:
    """Seconds to import ``module`` and to redirect its object's clock imports."""
    from libfaketimefs_botocore.native import redirection

    started = time.perf_counter()
    importlib.import_module(module)
    imported = time.perf_counter() - started
    started = time.perf_counter()
    redirection.apply(((module, CLIENTS[module]),))
    elapsed = time.perf_counter() - started
    refused = {n: s for n, s in redirection.statuses.items() if s.startswith("not redirected")}
    assert not refused, refused
    return {"import": imported, "redirect": elapsed, "pid": os.getpid()}


# One process's imports of the native clients' modules that load objects (issue 43's goal:
# at most 120 ms added, best of 5).
TOGETHER = ("obstore.store", "polars", "pyarrow.fs", "pyarrow.parquet")


def imports(on: bool) -> dict[str, float]:
    """Seconds to import :data:`TOGETHER`, with the library on for good first, or not at all."""
    if on:
        import libfaketimefs_botocore

        libfaketimefs_botocore.patch_botocore()
    started = time.perf_counter()
    for module in TOGETHER:
        importlib.import_module(module)
    return {"import": time.perf_counter() - started}


def _together(context: Context) -> list[str]:
    packages = {module.split(".")[0] for module in TOGETHER}
    if any(importlib.util.find_spec(package) is None for package in packages):
        return []
    env = {**runner.run_env(), **runner.at_the_real_time()}
    samples = runner.rotated(
        ["on", "off"],
        max(context.rounds, 5),
        lambda mode: runner.in_fresh_process("native", "imports", env, mode == "on")["import"],
    )
    on, off = min(samples["on"]), min(samples["off"])
    return [
        f"Importing {', '.join(TOGETHER)} in one process (best of {len(samples['on'])}): "
        f"{on * 1e3:.0f} ms on, {off * 1e3:.0f} ms off: {(on - off) * 1e3:+.0f} ms "
        f"({on / off:.2f}x)"
    ]


def measure(context: Context) -> list[str]:
    present = [name for name in CLIENTS if importlib.util.find_spec(name) is not None]
    if not present:
        return ["Native clients: none installed here (the native group)"]
    samples = runner.rotated(
        present,
        context.rounds,
        # Under libfaketime (faking nothing): where there is none, nothing is written.
        lambda name: runner.in_fresh_process(
            "native", "work", {**runner.run_env(), **runner.at_the_real_time()}, name
        ),
    )
    lines = [
        "Redirecting a native client's clock imports, once per process (median of fresh processes):"
    ]
    for name in present:
        redirect = runner.median(f["redirect"] for f in samples[name])
        imported = runner.median(f["import"] for f in samples[name])
        lines.append(
            f"  {name:20}{redirect * 1e3:8.2f} ms, against {imported * 1e3:7.1f} ms to import it "
            f"({redirect / imported:.1%})"
        )
    return lines + _together(context)
