"""Native clients' imports never hang, never raise, and cost little (issue 43).

The import watch is called by the import machinery holding its global
lock: 0.8.0's re-entered the import system there, and two threads importing
a package and one of its submodules hung for ever. A refusal became a
warning that ``-W error`` raised out of ``patch_botocore()``, stopping the
pass. Each pass read ``/proc/self/maps`` once per object and looked at
every object again. And the ``dlopen`` hook's callback was freed by a reload
of the library's modules (a SIGSEGV at the next load), and still installed
when a destructor called ``dlopen`` after the interpreter had finalised.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.harness.faketime import NATIVE_CLIENT, Libfaketime, Unfaked, run_client, run_faked
from tests.harness.native_objects import LOADER, build

pytestmark = pytest.mark.timeout(180)

HANG = 60  # seconds: the imports here take well under one; 0.8.0's never ended


def _needs(*packages: str) -> None:
    for package in packages:
        if importlib.util.find_spec(package) is None:
            pytest.skip(f"{package} is not installed (the native group)")


@pytest.mark.pins
@pytest.mark.parametrize("threads", [2, 8])
def test_a_package_and_its_submodules_imported_at_once_by_threads(
    tmp_path: Path, threads: int
) -> None:
    """The watch alone, over a package whose __init__ sleeps: every supported Python."""
    modules = ["slowpkg", *(f"slowpkg.sub{i}" for i in range(threads - 1))]
    result = run_client(
        "concurrent-imports",
        Unfaked(),
        {"modules": modules, "package": "slowpkg", "folder": str(tmp_path)},
        program=NATIVE_CLIENT,
        timeout=HANG,
    )
    assert result["outcomes"] == dict.fromkeys(modules, "ok")


@pytest.mark.parametrize(
    "modules",
    [["pyarrow", "pyarrow.fs"], ["obstore", "obstore.store"], ["polars", "polars.io"]],
    ids=lambda modules: modules[1],
)
def test_native_clients_imported_at_once_by_threads_under_libfaketime(
    modules: list[str],
) -> None:
    """The library on for good, the real packages: both threads end. (Whether each import
    succeeds is Python's: a package whose __init__ imports a submodule that another thread
    is importing can see it partly initialised, with or without this library; polars 1.x
    does on Python 3.10.)"""
    _needs(modules[0])
    result = run_client(
        "concurrent-imports",
        Libfaketime("+400d"),
        {"modules": modules, "on": True},
        program=NATIVE_CLIENT,
        timeout=HANG,
    )
    assert set(result["outcomes"]) == set(modules), result


def test_patch_botocore_never_raises_when_warnings_are_errors() -> None:
    """``-W error`` (here PYTHONWARNINGS, as pytest's filterwarnings = error would): a refusal
    (glibc's namespaces used up, so no second libstdc++ for pyarrow) raises nothing, the pass
    goes on to obstore's object, and the reason is said on stderr and kept for check."""
    _needs("pyarrow", "obstore")
    completed = run_faked(
        [
            sys.executable,
            str(NATIVE_CLIENT),
            "namespaces-used-up",
            json.dumps({"modules": ["pyarrow.fs", "obstore.store"]}),
        ],
        Libfaketime("+400d"),
        {"PYTHONWARNINGS": "error"},
        timeout=HANG,
    )
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout.splitlines()[-1])
    assert result["namespaces"] > 0
    assert result["raised"] is None, result
    statuses = result["statuses"]
    refused = {name: why for name, why in statuses.items() if why.startswith("not redirected")}
    assert any(name.startswith("libarrow") for name in refused), statuses
    assert all("dlmopen refused" in why for why in refused.values()), refused
    assert any(
        name.startswith("_obstore") and why == "redirected" for name, why in statuses.items()
    ), statuses
    assert completed.stderr.count("NativeClockWarning: libfaketimefs-botocore:") == 1
    assert "dlmopen refused" in completed.stderr


def test_an_object_looked_at_costs_nothing_on_later_imports() -> None:
    """/proc/self/maps read once a pass at most, and only where a new object of a watched
    package was loaded; a pass over objects already looked at reads no table."""
    _needs("pyarrow", "polars", "obstore")
    modules = ["obstore.store", "polars", "pyarrow.fs", "pyarrow.parquet", "pyarrow.fs"]
    result = run_client(
        "pass-cost", Libfaketime("+0"), {"modules": modules}, program=NATIVE_CLIENT, timeout=HANG
    )
    for module, step in zip(modules, result["steps"]):
        assert step["maps"] <= step["passes"], (module, step)
    assert result["steps"][-1] == {"maps": 0, "tables": 0, "passes": 0}  # imported already
    assert result["again"] == {"maps": 0, "tables": 0, "passes": 1}
    assert set(result["statuses"].values()) == {"redirected"}, result["statuses"]


def _real(seconds: int) -> bool:
    return abs(seconds - time.time()) < 60


@pytest.mark.parametrize("change", ["none", "reload", "purge"])
def test_a_hooked_dlopen_outlives_its_module_and_the_interpreter(
    tmp_path: Path, change: str
) -> None:
    """A loader's dlopen hooked (as _duckdb's), the library's modules reloaded or purged: the
    next load goes through the hook (the object it loads reads the real time), and the
    loader's destructor's dlopen after finalisation calls the C library's, not the freed
    hook. 0.8.0: a SIGSEGV at the load after a reload, and at the destructor's."""
    loader = build(tmp_path, "loader", LOADER)
    clockuser = build(tmp_path, "clockuser")
    at_exit = build(tmp_path / "exit", "clockuser")
    options: dict[str, Any] = {
        "loader": str(loader),
        "clockuser": str(clockuser),
        "at_exit": str(at_exit),
        change: True,
    }
    result = run_client(
        "hooked-loader", Libfaketime("+400d"), options, program=NATIVE_CLIENT, timeout=HANG
    )
    assert _real(result["now"]), result
