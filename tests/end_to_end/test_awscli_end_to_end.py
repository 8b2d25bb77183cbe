"""The AWS CLI, as its users install it, under libfaketime + libfaketimefs at ±400 days.

Unpatched, AWS (the local endpoint) refuses every command; patched, it
accepts them all: v2 installed from source with the autopatch variable, v2's
frozen binary with the plugin, v1 with the plugin.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness import aws_clis
from tests.harness.aws_clis import Outcome
from tests.harness.endpoint import Endpoint
from tests.harness.faketime import DAY, Libfaketime, Mount

pytestmark = [
    pytest.mark.aws_cli,
    pytest.mark.timeout(900),  # the first test may build the AWS CLI v2
]

REFUSALS = (
    "SignatureDoesNotMatch",
    "RequestTimeTooSkewed",
    "Request has expired",
    "Request is not valid yet",
    # An answer to HEAD has no body: s3 cp down's HeadObject is refused in a status alone.
    "(403) when calling the HeadObject operation",
)


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path
    shutil.rmtree(tmp_path, ignore_errors=True)


def _all_refused(outcomes: dict[str, Outcome], endpoint: Endpoint) -> None:
    for name, outcome in outcomes.items():
        assert outcome.returncode != 0, outcome.said
        assert any(refusal in outcome.stderr for refusal in REFUSALS), (name, outcome.said)
    assert endpoint.state.verdicts, "nothing reached the endpoint"
    assert not any(verdict.accepted for verdict in endpoint.state.verdicts)


def _all_accepted(outcomes: dict[str, Outcome], endpoint: Endpoint) -> None:
    for outcome in outcomes.values():
        assert outcome.returncode == 0, outcome.said
    assert endpoint.state.verdicts, "nothing reached the endpoint"
    assert all(verdict.accepted for verdict in endpoint.state.verdicts), endpoint.state.verdicts


def _environment(install: str, patched: bool, request: pytest.FixtureRequest) -> dict[str, str]:
    """What turns real-time signing on, or does not, for each way of installing v2."""
    if install == "source":
        return {"LIBFAKETIMEFS_BOTOCORE_AUTOPATCH": "1"} if patched else {}
    if patched:
        return {"AWS_CONFIG_FILE": str(request.getfixturevalue("exe_config"))}
    # The variable changes nothing here: the frozen binary reads no .pth.
    return {"LIBFAKETIMEFS_BOTOCORE_AUTOPATCH": "1"}


@pytest.mark.parametrize("days", [400, -400])
@pytest.mark.parametrize("patched", [False, True], ids=["unpatched", "patched"])
@pytest.mark.parametrize("install", ["source", "frozen"])
def test_v2_the_five_commands(
    request: pytest.FixtureRequest,
    faked: Mount,
    endpoint: Endpoint,
    folder: Path,
    install: str,
    patched: bool,
    days: int,
) -> None:
    aws = request.getfixturevalue("v2_source" if install == "source" else "v2_exe")
    env = _environment(install, patched, request)
    faked.jump(days * DAY)
    outcomes = aws_clis.the_five(aws, faked, endpoint, folder, env)
    if patched:
        _all_accepted(outcomes, endpoint)
    else:
        _all_refused(outcomes, endpoint)


def test_v2_frozen_binary_with_libfaketime_alone(
    v2_exe: Path, exe_config: Path, endpoint: Endpoint, folder: Path
) -> None:
    outcome = aws_clis.run_aws(
        v2_exe,
        ["sts", "get-caller-identity"],
        Libfaketime("-400d"),
        endpoint,
        {"AWS_CONFIG_FILE": str(exe_config)},
    )
    assert outcome.returncode == 0, outcome.said


def test_v2_frozen_binary_with_wrapt_for_another_python(
    v2_exe: Path, wheel: Path, faked: Mount, endpoint: Endpoint, tmp_path: Path
) -> None:
    # wrapt's C extension built for another Python does not load in the
    # bundled one: its pure-Python code serves.
    other = "3.12" if aws_clis.bundled_python(v2_exe) != "3.12" else "3.13"
    target = tmp_path / "plugin"
    aws_clis.run_checked(aws_clis.pip_target(target, other, str(wheel)))
    assert list(target.glob(f"wrapt/_wrappers.cpython-{other.replace('.', '')}-*.so"))
    config = aws_clis.plugin_config(
        tmp_path / "config",
        {
            "cli_legacy_plugin_path": str(target),
            "libfaketimefs_botocore": "libfaketimefs_botocore.awscli_plugin",
        },
    )
    faked.jump(400 * DAY)
    outcome = aws_clis.run_aws(
        v2_exe, ["sts", "get-caller-identity"], faked, endpoint, {"AWS_CONFIG_FILE": str(config)}
    )
    assert outcome.returncode == 0, outcome.said


@pytest.mark.parametrize("days", [400, -400])
def test_v1_with_the_plugin(
    v1: Path, faked: Mount, endpoint: Endpoint, tmp_path: Path, days: int
) -> None:
    config = aws_clis.plugin_config(
        tmp_path / "config", {"libfaketimefs_botocore": "libfaketimefs_botocore.awscli_plugin"}
    )
    faked.jump(days * DAY)
    refused = aws_clis.run_aws(v1, ["sts", "get-caller-identity"], faked, endpoint)
    assert "SignatureDoesNotMatch" in refused.stderr, refused.said
    outcome = aws_clis.run_aws(
        v1, ["sts", "get-caller-identity"], faked, endpoint, {"AWS_CONFIG_FILE": str(config)}
    )
    assert outcome.returncode == 0, outcome.said
