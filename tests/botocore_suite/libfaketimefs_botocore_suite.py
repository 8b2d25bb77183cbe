"""A pytest plugin for botocore's own test suite, run from its sdist.

Loaded with ``-p libfaketimefs_botocore_suite`` (its folder on PYTHONPATH: the
sdist has a ``tests`` package of its own). ``LIBFAKETIMEFS_BOTOCORE_SUITE``
says what to do in every process, xdist workers included:

- ``plain``: nothing (botocore as it ships);
- ``installed``: the wrap points installed, the switch off;
- ``on``: the wrap points installed and the switch held on, with no faker.

The outcome of each test goes, as JSON, to the file named by
``LIBFAKETIMEFS_BOTOCORE_SUITE_RESULTS`` (written by the controller).
"""

from __future__ import annotations

import json
import os
from typing import Any

MODE = os.environ.get("LIBFAKETIMEFS_BOTOCORE_SUITE", "plain")
RESULTS = os.environ.get("LIBFAKETIMEFS_BOTOCORE_SUITE_RESULTS")

_outcomes: dict[str, str] = {}


def pytest_configure(config: Any) -> None:
    if MODE == "plain":
        return
    from libfaketimefs_botocore import integrations, wrapping
    from libfaketimefs_botocore.state.switch import SWITCH

    # Before botocore's test modules import botocore: each hook then runs at
    # that import, as in a program that imports the patch first.
    wrapping.install(integrations.WRAP_POINTS)
    if MODE == "on":
        SWITCH.hold_for_good()
    elif MODE != "installed":
        raise ValueError(f"LIBFAKETIMEFS_BOTOCORE_SUITE={MODE!r}: plain, installed or on")


def pytest_report_header(config: Any) -> str:
    import botocore

    return f"libfaketimefs-botocore suite mode: {MODE}; botocore {botocore.__version__}"


def pytest_runtest_logreport(report: Any) -> None:
    if report.failed:
        _outcomes[report.nodeid] = "failed"
    elif report.skipped:
        _outcomes.setdefault(report.nodeid, "skipped")
    elif report.when == "call":
        _outcomes.setdefault(report.nodeid, "passed")


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    if RESULTS and not hasattr(session.config, "workerinput"):
        wrapped = []
        if MODE != "plain":
            import contextlib
            import importlib

            from libfaketimefs_botocore import integrations, wrapping

            # An xdist controller runs no test: import what the workers did.
            for name in integrations.MODULES:
                with contextlib.suppress(ImportError):
                    importlib.import_module(name)

            wrapped = [
                f"{s.point.module}.{s.point.name}"
                for s in wrapping.statuses(integrations.WRAP_POINTS)
                if s.status == "wrapped"
            ]
        with open(RESULTS, "w") as file:
            json.dump(
                {
                    "mode": MODE,
                    "exitstatus": int(exitstatus),
                    "wrapped": wrapped,
                    "outcomes": _outcomes,
                },
                file,
            )
