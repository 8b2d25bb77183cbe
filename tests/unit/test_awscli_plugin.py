"""The AWS CLI plugin module and the set-up command's reading of an ``aws``, without a CLI.

The real CLIs run in test_awscli_setup.py, test_awscli_end_to_end.py and
test_awscli_reads.py.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from libfaketimefs_botocore import awscli_setup
from libfaketimefs_botocore.awscli_setup import SetupError


@pytest.mark.parametrize(
    ("head", "python"),
    [
        (b"#!/opt/venv/bin/python3\nimport awscli\n", "/opt/venv/bin/python3"),
        (b"#!/usr/bin/python3 -E\n", "/usr/bin/python3"),
        # pip's trampoline for an interpreter path that is long or has spaces
        (
            b"#!/bin/sh\n'''exec' \"/a long/path/bin/python3.13\" \"$0\" \"$@\"\n' '''\n",
            "/a long/path/bin/python3.13",
        ),
        (b"\x7fELF\x02\x01\x01", None),  # the frozen binary
    ],
)
def test_the_python_that_runs_an_aws(head: bytes, python: str | None) -> None:
    assert awscli_setup._interpreter("aws", head) == python


def test_env_in_the_first_line() -> None:
    found = awscli_setup._interpreter("aws", b"#!/usr/bin/env python3\n")
    assert found == shutil.which("python3")


@pytest.mark.parametrize(
    ("head", "reason"),
    [
        (b"#!/bin/bash\nexec real-aws\n", "aws: cannot tell which Python runs it"),
        (b"MZ\x90\x00", "aws is neither a script nor a program this command knows"),
    ],
)
def test_not_a_python_aws(head: bytes, reason: str) -> None:
    with pytest.raises(SetupError, match=reason):
        awscli_setup._interpreter("aws", head)


@pytest.mark.parametrize(
    ("line", "version", "python", "source"),
    [
        ("aws-cli/1.46.3 Python/3.11.7 Linux/6.18.44 botocore/1.43.62", "1.46.3", "3.11", None),
        ("aws-cli/2.36.7 Python/3.13.11 Linux/6.8.0 exe/x86_64.ubuntu.24", "2.36.7", "3.13", "exe"),
        (
            "aws-cli/2.36.7 Python/3.11.7 Linux/6.18.44 source-exe/x86_64.debian.12",
            "2.36.7",
            "3.11",
            "source-exe",
        ),
        (
            "aws-cli/2.36.7 Python/3.12.3 Linux/6.8 source/aarch64.fedora.40 prompt/off",
            "2.36.7",
            "3.12",
            "source",
        ),
    ],
)
def test_version_lines(line: str, version: str, python: str, source: str | None) -> None:
    found = awscli_setup._VERSION_LINE.search(line)
    assert found is not None
    assert (found["version"], found["python"], found["source"]) == (version, python, source)


def test_a_config_that_cannot_be_parsed(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text("region = no section above\n")
    with pytest.raises(SetupError, match=f"cannot parse the AWS config {config}: "):
        awscli_setup.current_plugins(str(config))


def test_no_config_file(tmp_path: Path) -> None:
    assert awscli_setup.current_plugins(str(tmp_path / "none")) == {}


PLUGIN_IN_A_FRESH_PROCESS = """
import botocore.auth
from botocore.hooks import HierarchicalEmitter
from libfaketimefs_botocore.awscli_plugin import awscli_initialize
from libfaketimefs_botocore.state.switch import SWITCH

before = type(botocore.auth.formatdate).__name__, SWITCH.on
emitter = HierarchicalEmitter()
awscli_initialize(emitter)
print(*before, type(botocore.auth.formatdate).__name__, SWITCH.on)
table = {}
try:
    emitter.emit("building-command-table.main", command_table=table, session=None)
except ImportError as error:  # the check command is built from awscli's classes
    print(error.name)
"""


def test_the_plugin_patches_and_adds_its_command() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PLUGIN_IN_A_FRESH_PROCESS],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["function", "False", "Formatdate", "True", "awscli"]
