"""Fixtures: the real libfaketimefs mount and the verifying local endpoint."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from libfaketimefs_botocore import clock
from tests.harness import aws_clis
from tests.harness.endpoint import Endpoint
from tests.harness.faketime import Mount
from tests.harness.seaweedfs import SeaweedFS


@pytest.fixture(scope="session")
def mount() -> Iterator[Mount]:
    with Mount.temporary() as fs:
        yield fs


@pytest.fixture
def faked(mount: Mount) -> Iterator[Mount]:
    """The mount, leaving the fake time where it found it (real time)."""
    yield mount
    mount.jump(0)


@pytest.fixture(scope="session")
def _endpoint() -> Iterator[Endpoint]:
    with Endpoint() as server:
        yield server


@pytest.fixture
def endpoint(_endpoint: Endpoint) -> Endpoint:
    _endpoint.reset()
    return _endpoint


@pytest.fixture(scope="session")
def _other_endpoint() -> Iterator[Endpoint]:
    with Endpoint() as server:
        yield server


@pytest.fixture
def other_endpoint(_other_endpoint: Endpoint) -> Endpoint:
    """A second endpoint, with a clock of its own."""
    _other_endpoint.reset()
    return _other_endpoint


@pytest.fixture(scope="session")
def seaweedfs() -> Iterator[SeaweedFS]:
    """A real S3 server, SeaweedFS, on loopback: started once, ended with its files."""
    with SeaweedFS() as server:
        yield server


@pytest.fixture
def bucket(request: pytest.FixtureRequest) -> str:
    """A bucket name of this test's own: SeaweedFS keeps every bucket for the session."""
    digest = hashlib.sha256(request.node.nodeid.encode()).hexdigest()[:20]
    return f"t-{digest}"


@pytest.fixture
def file_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every read of a realtime file in this process, by path."""
    seen: list[str] = []
    original = clock.read_realtime

    def counting(path: str) -> float:
        seen.append(path)
        return original(path)

    monkeypatch.setattr(clock, "read_realtime", counting)
    return seen


# The AWS CLIs, built by the Makefile on first use and cached under .tools.


@pytest.fixture(scope="session")
def v1() -> Path:
    return aws_clis.make(aws_clis.V1)


@pytest.fixture(scope="session")
def v2_source() -> Path:
    return aws_clis.make(aws_clis.V2_SOURCE_WITH_PACKAGE, aws_clis.V2_SOURCE)


@pytest.fixture(scope="session")
def v2_exe() -> Path:
    return aws_clis.make(aws_clis.V2_EXE)


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This package as a wheel, for the frozen binary's plugin folder."""
    folder = tmp_path_factory.mktemp("wheel")
    aws_clis.build_wheel(folder)
    (found,) = folder.glob("libfaketimefs_botocore-*.whl")
    return found


@pytest.fixture(scope="session")
def exe_config(v2_exe: Path, wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An AWS config whose [plugins] load the plugin, from a folder made by the printed line."""
    folder = tmp_path_factory.mktemp("aws-exe")
    config = folder / "config"
    config.write_text("")
    printed = aws_clis.setup_command(
        v2_exe, "--package", str(wheel), env={"AWS_CONFIG_FILE": str(config)}
    )
    assert printed.returncode == 0, printed.stdout + printed.stderr
    install = aws_clis.printed_line(printed.stdout, "python3 -m pip install")
    target = install[install.index("--target") + 1]
    # Beside the AWS config, one folder per Python version.
    assert Path(target).parent == folder / "libfaketimefs-botocore"
    aws_clis.run_checked(install)
    for start in (f"{v2_exe} configure set plugins.cli", f"{v2_exe} configure set plugins.lib"):
        aws_clis.run_checked(
            aws_clis.printed_line(printed.stdout, start), {"AWS_CONFIG_FILE": str(config)}
        )
    return config
