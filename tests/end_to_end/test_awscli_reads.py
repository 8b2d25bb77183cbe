"""The AWS CLI's own clock reads, beyond botocore's, under libfaketime + libfaketimefs.

``aws codecommit credential-helper get`` signs a git password with its own
SigV4 code: run through each installed CLI. The EC2 bundle-instance upload
policy, the ``aws login`` token expiry, v2's DPoP proof and its choice of S3
transfer client are called in the CLI's own Python.
"""

from __future__ import annotations

import calendar
import json
import re
import time
from pathlib import Path

import pytest

from tests.harness import aws_clis
from tests.harness.endpoint import ACCESS_KEY, SECRET_KEY
from tests.harness.faketime import DAY, Mount, run_faked

pytestmark = [
    pytest.mark.aws_cli,
    pytest.mark.timeout(900),  # the first test may build the AWS CLI v2
]

GIT_REQUEST = "protocol=https\nhost=git-codecommit.us-east-1.amazonaws.com\npath=/v1/repos/r\n\n"
READS = Path(__file__).parents[1] / "harness" / "awscli_reads.py"
AUTOPATCH = {"LIBFAKETIMEFS_BOTOCORE_AUTOPATCH": "1"}
PLUGIN = {"libfaketimefs_botocore": "libfaketimefs_botocore.awscli_plugin"}


def _git_password_time(aws: Path, mount: Mount, env: dict[str, str]) -> float:
    result = run_faked(
        [str(aws), "codecommit", "credential-helper", "get"],
        mount,
        {"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY, **env},
        input=GIT_REQUEST,
    )
    assert result.returncode == 0, result.stderr
    found = re.search(r"^password=(\d{8}T\d{6})Z[0-9a-f]{64}$", result.stdout, re.MULTILINE)
    assert found is not None, result.stdout
    return float(calendar.timegm(time.strptime(found.group(1), "%Y%m%dT%H%M%S")))


def _plugin_config(tmp_path: Path, path: str | None = None) -> dict[str, str]:
    settings = {"cli_legacy_plugin_path": path} if path else {}
    config = aws_clis.plugin_config(tmp_path / "config", {**settings, **PLUGIN})
    return {"AWS_CONFIG_FILE": str(config)}


@pytest.fixture(scope="module")
def exe_plugin(v2_exe: Path, wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("exe-plugin")
    aws_clis.run_checked(aws_clis.pip_target(folder, aws_clis.bundled_python(v2_exe), str(wheel)))
    return str(folder)


@pytest.mark.parametrize("days", [400, -400])
def test_codecommit_git_password_v2_source(v2_source: Path, faked: Mount, days: int) -> None:
    faked.jump(days * DAY)
    assert abs(_git_password_time(v2_source, faked, {}) - time.time() - days * DAY) < 120
    assert abs(_git_password_time(v2_source, faked, AUTOPATCH) - time.time()) < 120


@pytest.mark.parametrize("days", [400, -400])
def test_codecommit_git_password_v2_frozen(
    v2_exe: Path, exe_plugin: str, faked: Mount, tmp_path: Path, days: int
) -> None:
    faked.jump(days * DAY)
    assert abs(_git_password_time(v2_exe, faked, {}) - time.time() - days * DAY) < 120
    plugin = _plugin_config(tmp_path, exe_plugin)
    assert abs(_git_password_time(v2_exe, faked, plugin) - time.time()) < 120


def test_codecommit_git_password_v1(v1: Path, faked: Mount, tmp_path: Path) -> None:
    faked.jump(400 * DAY)
    assert abs(_git_password_time(v1, faked, {}) - time.time() - 400 * DAY) < 120
    assert abs(_git_password_time(v1, faked, _plugin_config(tmp_path)) - time.time()) < 120


def _reads(python: Path, mount: Mount, env: dict[str, str]) -> dict[str, object]:
    result = run_faked([str(python), str(READS)], mount, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])  # type: ignore[no-any-return]


@pytest.mark.parametrize("days", [400, -400])
def test_v2_reads_in_its_own_python(v2_source: Path, faked: Mount, days: int) -> None:
    python = v2_source.parent / "python3"
    faked.jump(days * DAY)
    fake = _reads(python, faked, {})
    assert str(fake["botocore"]).startswith("2.")  # v2's vendored botocore, as aws has it
    real = _reads(python, faked, AUTOPATCH)
    for name in ("bundle_policy", "login", "dpop_iat"):
        assert abs(float(fake[name]) - time.time() - days * DAY) < 120, name  # type: ignore[arg-type]
        assert abs(float(real[name]) - time.time()) < 120, name  # type: ignore[arg-type]
    # The CRT transfer client signs in C with the process clock.
    assert fake["transfer_client"] == "crt"
    assert real["transfer_client"] == "classic"


def test_v1_reads_in_its_own_python(v1: Path, faked: Mount) -> None:
    python = v1.parent / "python3"
    faked.jump(400 * DAY)
    fake = _reads(python, faked, {})
    real = _reads(python, faked, AUTOPATCH)
    assert abs(float(fake["bundle_policy"]) - time.time() - 400 * DAY) < 120  # type: ignore[arg-type]
    assert abs(float(real["bundle_policy"]) - time.time()) < 120  # type: ignore[arg-type]
    assert real["login"] is None
    assert real["dpop_iat"] is None
