"""``libfaketimefs-botocore awscli`` against the real AWS CLIs, and ``check --awscli``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from libfaketimefs_botocore import __version__
from tests.harness import aws_clis

pytestmark = [
    pytest.mark.aws_cli,
    pytest.mark.timeout(900),  # the first test may build the AWS CLI v2
]

PLUGIN = "libfaketimefs_botocore = libfaketimefs_botocore.awscli_plugin"


@pytest.fixture(scope="session")
def plugin_folder(v2_exe: Path, wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This package and wrapt for the frozen binary's own Python."""
    folder = tmp_path_factory.mktemp("plugin")
    aws_clis.run_checked(aws_clis.pip_target(folder, aws_clis.bundled_python(v2_exe), str(wheel)))
    return folder


# Sections, comments and spacing that --apply must leave as they are.
OTHER_SECTIONS = """\
# my settings
[default]
region = eu-west-1

[profile other]
# a comment inside
output = text
"""


def _config(tmp_path: Path, text: str = OTHER_SECTIONS) -> Path:
    path = tmp_path / "config"
    path.write_text(text)
    return path


def test_the_frozen_binary(v2_exe: Path, tmp_path: Path) -> None:
    config = _config(tmp_path)
    result = aws_clis.setup_command(v2_exe, env={"AWS_CONFIG_FILE": str(config)})
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert f"aws:          {v2_exe}\n" in out
    python = aws_clis.bundled_python(v2_exe)
    assert f"AWS CLI:      2.36.7, a frozen binary with a Python {python} of its own" in out
    assert f"AWS config:   {config}: [plugins] does not load this package" in out
    target = tmp_path / "libfaketimefs-botocore" / f"python{python}"
    assert aws_clis.printed_line(out, "python3 -m pip") == [
        *("python3", "-m", "pip", "install", "--target", str(target)),
        *("--python-version", python, "--only-binary=:all:", "--no-deps", "--upgrade"),
        f"libfaketimefs-botocore=={__version__}",
        "wrapt",
    ]
    assert aws_clis.printed_line(out, f"{v2_exe} configure set plugins.cli_legacy_plugin_path") == [
        *(str(v2_exe), "configure", "set", "plugins.cli_legacy_plugin_path", str(target)),
    ]
    assert aws_clis.printed_line(out, f"{v2_exe} configure set plugins.libfaketimefs_botocore") == [
        *(str(v2_exe), "configure", "set", "plugins.libfaketimefs_botocore"),
        "libfaketimefs_botocore.awscli_plugin",
    ]
    assert "LIBFAKETIMEFS_BOTOCORE_AUTOPATCH" not in out  # no .pth is read there
    assert config.read_text() == OTHER_SECTIONS
    assert not target.exists()


def test_the_source_install(v2_source: Path, tmp_path: Path) -> None:
    config = _config(tmp_path)
    result = aws_clis.setup_command(v2_source, env={"AWS_CONFIG_FILE": str(config)})
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    python = v2_source.parent / "python3"
    assert f"AWS CLI:      2.36.7 (from source), a Python program run by {python}" in out
    site = next((v2_source.parent.parent / "lib").glob("python3.*/site-packages"))
    assert f"this package: installed ({__version__}) in {site}" in out
    assert "   export LIBFAKETIMEFS_BOTOCORE_AUTOPATCH=1\n" in out
    assert aws_clis.printed_line(out, f"{v2_source} configure set plugins.cli") == [
        *(str(v2_source), "configure", "set", "plugins.cli_legacy_plugin_path", str(site)),
    ]
    assert "pip install" not in out  # it is there already
    assert config.read_text() == OTHER_SECTIONS


def test_v1(v1: Path, tmp_path: Path) -> None:
    config = _config(tmp_path, OTHER_SECTIONS + "[plugins]\ncli_legacy_plugin_path = /x\n")
    result = aws_clis.setup_command(v1, env={"AWS_CONFIG_FILE": str(config)})
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "AWS CLI:      1." in out
    assert "(v1), a Python program run by" in out
    assert "cli_legacy_plugin_path /" not in out  # v1 has no such key
    assert aws_clis.printed_line(out, f"{v1} configure set") == [
        *(str(v1), "configure", "set", "plugins.libfaketimefs_botocore"),
        "libfaketimefs_botocore.awscli_plugin",
    ]
    # That config stops v1 at start: the version was read without it.
    assert "v1 takes it for a plugin's module and fails to start" in out


def test_apply_to_the_frozen_binary(v2_exe: Path, plugin_folder: Path, tmp_path: Path) -> None:
    config = _config(tmp_path)
    env = {"AWS_CONFIG_FILE": str(config)}
    result = aws_clis.setup_command(v2_exe, "--apply", "--target", str(plugin_folder), env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    # Only a [plugins] section was added; the rest is as it was, byte for byte.
    written = config.read_text()
    assert written.startswith(OTHER_SECTIONS)
    added = written[len(OTHER_SECTIONS) :]
    assert added.split() == [
        *("[plugins]", "cli_legacy_plugin_path", "=", str(plugin_folder)),
        *PLUGIN.split(),
    ]
    # Then the check, inside the frozen binary, lists v2's reads.
    out = result.stdout
    assert "AWS CLI:           2.36.7" in out
    assert "switch:            on in this process" in out
    for wrapped in (
        "botocore.auth.datetime",
        "botocore.utils.build_dpop_header",
        "awscli.customizations.codecommit.datetime",
        "awscli.customizations.s3.factory.TransferManagerFactory._compute_transfer_client_type",
    ):
        assert f"  wrapped              {wrapped}:" in out
    assert "not wrapped" not in out
    again = aws_clis.setup_command(v2_exe, "--target", str(plugin_folder), env=env)
    assert f"AWS config:   {config}: [plugins] loads this package" in again.stdout


def test_apply_to_the_source_install(v2_source: Path, tmp_path: Path) -> None:
    config = _config(tmp_path, "")
    result = aws_clis.setup_command(v2_source, "--apply", env={"AWS_CONFIG_FILE": str(config)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert PLUGIN in config.read_text()
    assert "  wrapped              awscli.customizations.login.utils.datetime:" in result.stdout


def test_apply_refuses_an_empty_plugin_folder(v2_exe: Path, tmp_path: Path) -> None:
    config = _config(tmp_path)
    empty = tmp_path / "empty"
    result = aws_clis.setup_command(
        v2_exe, "--apply", "--target", str(empty), env={"AWS_CONFIG_FILE": str(config)}
    )
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    python = aws_clis.bundled_python(v2_exe)
    assert last.startswith(
        f"FAILED: {empty} does not hold this package and wrapt yet; run first: "
        f"python3 -m pip install --target {empty} --python-version {python}"
    )
    # A plugin line without the plugin would stop every aws command: nothing is written.
    assert config.read_text() == OTHER_SECTIONS


def test_no_aws_on_path(tmp_path: Path) -> None:
    result = subprocess.run(
        aws_clis.SETUP,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PATH": str(tmp_path)},
    )
    assert result.returncode == 1
    assert result.stderr == "FAILED: there is no `aws` on PATH: name one with --aws PATH\n"


def _setup_of(script: Path, content: str) -> subprocess.CompletedProcess[str]:
    """``awscli`` run on ``script``, made with ``content``; it fails."""
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(content)
    script.chmod(0o755)
    result = aws_clis.setup_command(script)
    assert result.returncode == 1
    return result


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("just text\n", "is neither a script nor a program this command knows"),
        ("#!/bin/sh\necho hi\n", "cannot tell which Python runs it: its first line is '#!/bin/sh'"),
    ],
)
def test_not_an_aws_cli(tmp_path: Path, content: str, reason: str) -> None:
    fake = tmp_path / "aws"
    result = _setup_of(fake, content)
    assert result.stderr.startswith(f"FAILED: {fake}")
    assert reason in result.stderr


def test_a_python_program_that_is_not_the_aws_cli(tmp_path: Path) -> None:
    fake = tmp_path / "aws"
    result = _setup_of(fake, f"#!{sys.executable}\nprint('hello')\n")
    assert result.stderr.startswith(f"FAILED: `{fake} --version` did not say its version")


def test_a_long_answer_keeps_its_start_and_marks_the_cut(tmp_path: Path) -> None:
    program = f"#!{sys.executable}\nprint('the cause first ' + 'x' * 1000)\n"
    result = _setup_of(tmp_path / "aws", program)
    assert "'the cause first xxx" in result.stderr
    assert "[... 716 more characters]" in result.stderr


def test_a_pyenv_shim_is_named_with_the_command_that_finds_its_aws(tmp_path: Path) -> None:
    shim = tmp_path / "shims" / "aws"
    result = _setup_of(
        shim, '#!/usr/bin/env bash\nset -e\nexec "/root/.pyenv/libexec/pyenv" exec "$@"\n'
    )
    assert result.stderr == (
        f"FAILED: {shim} is a pyenv shim, not the AWS CLI itself: name the aws it runs, with "
        "--aws $(pyenv which aws)\n"
    )


def test_check_awscli_in_the_source_install(v2_source: Path) -> None:
    python = str(v2_source.parent / "python3")
    command = [python, "-m", "libfaketimefs_botocore", "check", "--json"]
    plain = json.loads(aws_clis.run_checked(command))
    # That Python also holds a standalone botocore (this package needs one): other
    # programs use it, and check says so unless asked about the AWS CLI.
    assert plain["awscli_version"] is None
    assert not plain["botocore_version"].startswith("2.")
    asked = json.loads(aws_clis.run_checked([*command, "--awscli"]))
    assert asked["awscli_version"] == "2.36.7"
    assert asked["botocore_version"].startswith("2.0.0")  # v2's vendored botocore
    statuses = {f"{p['module']}.{p['name']}": p["status"] for p in asked["wrap_points"]}
    assert statuses["awscli.customizations.codecommit.datetime"] == "not wrapped"
    assert statuses["botocore.utils.build_dpop_header"] == "not wrapped"
    assert statuses["botocore.credentials._build_dpop_header"] == "not in this release"


def test_check_awscli_without_it() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "libfaketimefs_botocore", "check", "--awscli"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr == "FAILED: the AWS CLI is not installed in this Python\n"


def test_the_aws_on_path(v2_exe: Path, tmp_path: Path) -> None:
    # The installer's layout: bin/aws is a link to the binary in dist/.
    result = subprocess.run(
        aws_clis.SETUP,
        capture_output=True,
        text=True,
        check=False,
        env={
            **os.environ,
            "PATH": f"{v2_exe.parent}:{os.environ['PATH']}",
            "AWS_CONFIG_FILE": str(tmp_path / "config"),
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(f"aws:          {v2_exe}\nAWS CLI:      2.36.7, a frozen")
