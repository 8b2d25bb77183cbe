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
    return lines
