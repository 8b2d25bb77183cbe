"""The registry's contract, checked alike for every integration.

Each integration declares its wrap points, audited and watched packages and
reads left on purpose; never imports its library; and what the rest derives
from it (the installer, the audit, the start-up hook's list) agrees with it.
Where the library is installed, every point names a module and binding that
exist (or belong to the other era of botocore), installing twice wraps once,
and every stand-in answers each read the audit says it covers with the real
time: here the realtime file's, far from every other clock.
"""

from __future__ import annotations

import ast
import calendar
import datetime
import email.utils
import importlib
import importlib.util
import inspect
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import _libfaketimefs_botocore_autopatch
import pytest

from libfaketimefs_botocore import clock, integrations, realtime_signing, wrapping
from libfaketimefs_botocore.audit import PACKAGES, VENDORED_BY_AWSCLI
from libfaketimefs_botocore.clock import ENV_VAR
from libfaketimefs_botocore.integrations.botocore import NAMED_ERA
from libfaketimefs_botocore.points import OnPurpose, WrapPoint
from libfaketimefs_botocore.state.switch import SWITCH

pytestmark = pytest.mark.pins  # the eras of botocore, and the smithy session's libraries

INTEGRATIONS = {module.__name__.rsplit(".", 1)[-1]: module for module in integrations.INTEGRATIONS}
# Points whose binding only some releases of an installed library have (besides
# botocore's two eras, told by NAMED_ERA).
IN_SOME_RELEASES = {
    ("botocore.utils", "build_dpop_header"): "the AWS CLI v2's vendored botocore",
    ("botocore.credentials", "_build_dpop_header"): "botocore >= 1.41 (login)",
    ("boto3.s3.transfer", "_should_use_crt"): "boto3 >= 1.32 (the CRT transfer manager)",
    ("kafka.net.sasl.msk", "datetime"): "kafka-python >= 3.0",
    ("kafka.net.sasl.msk", "AwsMskIamClient.__init__"): "kafka-python >= 3.0",
    ("kafka.sasl.msk", "datetime"): "kafka-python 2.x",
    ("kafka.sasl.msk", "AwsMskIamClient.__init__"): "kafka-python 2.x",
    (
        "snowflake.connector.s3_storage_client",
        "SnowflakeS3RestClient._send_single_request_with_authentication",
    ): "later snowflake-connector-python 4.x",
    ("snowflake.connector.aio._s3_storage_client", "datetime"): "snowflake-connector-python's aio",
    (
        "snowflake.connector.aio._s3_storage_client",
        "SnowflakeS3RestClient._send_request_with_authentication_and_retry",
    ): "snowflake-connector-python's aio",
}
# Modules that import a library only some installations have.
NEEDS = {"botocore.crt.auth": "awscrt"}
FILE_TIME = 2_000_000_000.0  # 2033-05-18: no clock here is near it


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module.split(".")[0]) is not None


def _exists(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # a parent package this release does not have
        return False


def _points_of(name: str) -> list[WrapPoint]:
    return list(INTEGRATIONS[name].WRAP_POINTS)


@pytest.mark.parametrize("name", INTEGRATIONS)
def test_an_integration_declares_what_it_knows(name: str) -> None:
    integration = INTEGRATIONS[name]
    assert integration.__doc__
    for attribute, kind in [
        ("WRAP_POINTS", WrapPoint),
        ("AUDITED", str),
        ("WATCHED", str),
        ("ON_PURPOSE", OnPurpose),
    ]:
        value = getattr(integration, attribute)
        assert isinstance(value, tuple), attribute
        assert all(isinstance(item, kind) for item in value), attribute
    tops = {point.module.split(".")[0] for point in integration.WRAP_POINTS}
    tops |= {entry.module.split(".")[0] for entry in integration.ON_PURPOSE}
    tops |= {native.module.split(".")[0] for native in getattr(integration, "NATIVE", ())}
    # What it watches or audits is its own library's.
    assert set(integration.WATCHED) <= tops | set(integration.AUDITED)


@pytest.mark.parametrize("name", INTEGRATIONS)
def test_an_integration_never_imports_its_library(name: str) -> None:
    integration = INTEGRATIONS[name]
    libraries = {point.module.split(".")[0] for point in integration.WRAP_POINTS}
    libraries |= set(integration.AUDITED) | set(integration.WATCHED)
    tree = ast.parse(Path(inspect.getfile(integration)).read_text())
    imported = set()
    # At module level: a function may import its library when it runs.
    for node in tree.body:
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & libraries


def test_the_registry_derives_the_rest() -> None:
    points = [
        point for integration in integrations.INTEGRATIONS for point in integration.WRAP_POINTS
    ]
    assert list(integrations.WRAP_POINTS) == points
    assert len(set(points)) == len(points)
    assert PACKAGES == integrations.AUDITED
    assert VENDORED_BY_AWSCLI == integrations.awscli.VENDORS
    assert all(integrations.of(point) in INTEGRATIONS for point in points)


def test_the_start_up_hook_watches_what_the_integrations_say() -> None:
    # Written into the hook by `make generate`: run it when this fails.
    assert frozenset(integrations.WATCHED) == _libfaketimefs_botocore_autopatch.WATCHED


@pytest.mark.parametrize(
    "point",
    [pytest.param(p, id=f"{p.module}.{p.name}") for p in integrations.WRAP_POINTS],
)
def test_every_point_of_an_installed_library_exists(point: WrapPoint) -> None:
    if _installed(point.module) and not _exists(point.module):
        # A module only some releases have.
        assert (point.module, point.name) in IN_SOME_RELEASES, point
        return
    module = _imported(point.module)
    binding = wrapping._binding(module, point.name)
    # A point of the other era of botocore is there (or not) and does not apply.
    inline_era = point.name == NAMED_ERA and not hasattr(module, NAMED_ERA)
    named_era = point.unless_binds is not None and hasattr(module, point.unless_binds)
    if binding is wrapping._MISSING:
        assert inline_era or named_era or (point.module, point.name) in IN_SOME_RELEASES, point
    else:
        assert wrapping._applies(point, module) is not named_era, point


def _imported(name: str) -> ModuleType:
    """The module, or a skip where its library (or one it needs) is not installed."""
    for needed in (name, NEEDS.get(name, name)):
        if not _installed(needed):
            pytest.skip(f"{needed.split('.')[0]} is not installed here")
    return importlib.import_module(name)


def test_installing_twice_wraps_each_binding_once() -> None:
    code = (
        "import botocore.auth, botocore.signers, botocore.credentials\n"
        "from libfaketimefs_botocore import installer, integrations, wrapping\n"
        "from libfaketimefs_botocore.stand_ins import STAND_IN_TYPES\n"
        "installer.install_wrap_points(); installer.install_wrap_points()\n"
        "wrapping.install(integrations.WRAP_POINTS); wrapping.wrap_imported()\n"
        "for s in wrapping.statuses(integrations.WRAP_POINTS):\n"
        "    if s.status == 'wrapped':\n"
        "        b = wrapping._binding(__import__(s.point.module, fromlist=['x']), s.point.name)\n"
        "        assert not isinstance(b.__wrapped__, STAND_IN_TYPES), s.point\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.stdout == "ok\n", result.stderr


# --- every stand-in answers what the audit says it covers ----------------------------


def _seconds(value: Any) -> float:
    """A clock read's answer as Unix seconds: naive datetimes are UTC, as botocore's are."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.timestamp()
    if isinstance(value, time.struct_time):
        return float(calendar.timegm(value))
    if isinstance(value, str):
        return email.utils.parsedate_to_datetime(value).timestamp()
    return float(value)


def _covered_reads() -> list[Any]:
    return [
        pytest.param(point, path, id=f"{point.module}.{point.name}:{path or 'call'}")
        for point in integrations.WRAP_POINTS
        for path in sorted(getattr(point.stand_in, "COVERS", ()))
    ]


@pytest.fixture
def realtime_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    path = tmp_path / "realtime"
    path.write_text(f"{FILE_TIME}\n")
    monkeypatch.setenv(ENV_VAR, str(path))
    clock.forget()
    yield
    clock.forget()


@pytest.mark.skipif(SWITCH.held_for_good, reason="the switch is held for good in this process")
@pytest.mark.usefixtures("realtime_file")
@pytest.mark.parametrize(("point", "path"), _covered_reads())
def test_every_covered_read_answers_the_real_time(point: WrapPoint, path: str) -> None:
    if _installed(point.module) and not _exists(point.module):
        pytest.skip("not in this release of the library")
    module = _imported(point.module)
    if wrapping._binding(module, point.name) is wrapping._MISSING or not wrapping._applies(
        point, module
    ):
        pytest.skip("not in this release of the library")
    with realtime_signing():
        read: Any = wrapping._binding(module, point.name)
        assert isinstance(read, point.stand_in)  # type: ignore[arg-type]
        for part in path.split(".") if path else ():
            read = getattr(read, part)
        answer = read()
    assert abs(_seconds(answer) - FILE_TIME) < 1, (answer, FILE_TIME)
