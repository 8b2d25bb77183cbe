"""The real AWS CLIs, as their users install them, and runs of them under a fake clock.

- v1 from pip, with this package beside it (``.tools/awscli``);
- v2 installed from its source, with this package beside it
  (``.tools/awscli-v2-source``);
- v2's frozen binary, built from the same source and installed by the
  installer the build makes (``.tools/awscli-v2-exe``), with the plugin in a
  folder of its own, installed by the line ``libfaketimefs-botocore awscli``
  prints.

All are made by the Makefile (``make awscli-v2``), which the fixtures call:
built once per machine (the Makefile's cache), then
taken into ``.tools``.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from libfaketimefs_botocore import awscli_setup
from tests.harness import unfaked_http
from tests.harness.endpoint import ACCESS_KEY, SECRET_KEY, Endpoint
from tests.harness.faketime import ROOT, ClockSetup, run_faked
from tests.harness.seaweedfs import SeaweedFS

TOOLS = ROOT / ".tools"
V1 = TOOLS / "awscli" / "bin" / "aws"
V2_SOURCE = TOOLS / "awscli-v2-source" / "bin" / "aws"
V2_SOURCE_WITH_PACKAGE = TOOLS / "awscli-v2-source" / ".libfaketimefs-botocore"
V2_EXE = TOOLS / "awscli-v2-exe" / "bin" / "aws"
SETUP = [sys.executable, "-m", "libfaketimefs_botocore", "awscli"]


def make(target: Path, program: Path | None = None) -> Path:
    """Build ``target`` with the Makefile (nothing to do once cached); fail saying why.

    Returns ``program`` (by default the target itself).
    """
    # One make at a time in this clone: test workers ask for the same targets.
    TOOLS.mkdir(exist_ok=True)
    with open(TOOLS / ".make.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = subprocess.run(
            ["make", "--no-print-directory", str(target.relative_to(ROOT))],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode != 0 or not target.exists():
        raise AssertionError(
            f"cannot build {target} on this machine (make exited {result.returncode}):\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return target if program is None else program


def run_checked(argv: list[str], env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
        timeout=600,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"{argv} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
        )
    return result.stdout


def bundled_python(exe: Path) -> str:
    """The major.minor of the Python inside a frozen ``aws``, as its --version says."""
    found = re.search(r" Python/(\d+\.\d+)", run_checked([str(exe), "--version"]))
    assert found is not None
    return found.group(1)


def build_wheel(folder: Path) -> None:
    run_checked(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(folder), str(ROOT)]
    )


def pip_target(target: Path, python_version: str, package: str) -> list[str]:
    """The line ``awscli`` prints for a frozen binary with that Python, run by this one."""
    frozen = awscli_setup.AwsCli("aws", awscli_setup.V2_FROZEN, "2", python_version, None)
    python, *rest = awscli_setup.pip_command(frozen, str(target), package)
    assert python == "python3"
    return [sys.executable, *rest]


def setup_command(
    aws: Path, *options: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``libfaketimefs-botocore awscli --aws AWS ...``."""
    return subprocess.run(
        [*SETUP, "--aws", str(aws), *options],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def printed_line(output: str, start: str) -> list[str]:
    """The printed command line that starts with ``start``, as argv."""
    for line in output.splitlines():
        if line.strip().startswith(start):
            return shlex.split(line.strip())
    raise AssertionError(f"no line starting with {start!r} in:\n{output}")


def plugin_config(path: Path, settings: dict[str, str]) -> Path:
    path.write_text("[plugins]\n" + "".join(f"{k} = {v}\n" for k, v in settings.items()))
    return path


@dataclass
class Outcome:
    """What one AWS CLI command did."""

    argv: list[str]
    returncode: int
    stdout: str
    stderr: str

    @property
    def said(self) -> str:
        return f"{self.argv}: exit {self.returncode}\n{self.stdout}\n{self.stderr}"


def run_aws(
    aws: Path,
    args: list[str],
    setup: ClockSetup,
    endpoint: Endpoint | SeaweedFS,
    extra_env: dict[str, str] | None = None,
    cwd: Path | None = None,
    https: bool = False,
) -> Outcome:
    """One ``aws`` command against the local endpoint or SeaweedFS, with its credentials.

    ``https``: SeaweedFS's HTTPS endpoint, its CA given with ``--ca-bundle``.
    """
    access_key, secret_key = (
        (endpoint.access_key, endpoint.secret_key)
        if isinstance(endpoint, SeaweedFS)
        else (ACCESS_KEY, SECRET_KEY)
    )
    env = {
        "AWS_ACCESS_KEY_ID": access_key,
        "AWS_SECRET_ACCESS_KEY": secret_key,
        "AWS_MAX_ATTEMPTS": "1",
        **(extra_env or {}),
    }
    url = endpoint.https_url if https and isinstance(endpoint, SeaweedFS) else endpoint.url
    argv = [str(aws), *args, "--endpoint-url", url, "--output", "json"]
    if https and isinstance(endpoint, SeaweedFS):
        argv += ["--ca-bundle", endpoint.ca_bundle]
    # A hang guard, not a bound: a frozen CLI under libfaketimefs on a loaded box is slow.
    result = run_faked(argv, setup, env, timeout=300)
    return Outcome(argv, result.returncode, result.stdout, result.stderr)


def fetch(url: str) -> tuple[int, bytes]:
    """GET a presigned URL from this (unfaked) process: what the endpoint answers."""
    return unfaked_http.send(url)


def the_five(
    aws: Path,
    setup: ClockSetup,
    endpoint: Endpoint,
    folder: Path,
    extra_env: dict[str, str] | None = None,
) -> dict[str, Outcome]:
    """sts get-caller-identity, s3 cp up, s3 ls, s3 cp down, s3 presign (then its GET)."""
    upload = folder / "up.txt"
    upload.write_text("sent under a faked clock\n")
    download = folder / "down.txt"
    runs = {
        "sts get-caller-identity": ["sts", "get-caller-identity"],
        "s3 cp up": ["s3", "cp", str(upload), "s3://bucket/key.txt"],
        "s3 ls": ["s3", "ls", "s3://bucket/"],
        "s3 cp down": ["s3", "cp", "s3://bucket/key.txt", str(download)],
        "s3 presign": ["s3", "presign", "s3://bucket/key.txt"],
    }
    outcomes = {name: run_aws(aws, args, setup, endpoint, extra_env) for name, args in runs.items()}
    presign = outcomes["s3 presign"]
    if presign.returncode == 0:
        status, body = fetch(presign.stdout.strip())
        presign.returncode = 0 if status == 200 else status
        presign.stderr += body.decode(errors="replace")
    if outcomes["s3 cp down"].returncode == 0:
        assert download.read_text() == upload.read_text()
    if outcomes["sts get-caller-identity"].returncode == 0:
        arn = json.loads(outcomes["sts get-caller-identity"].stdout)["Arn"]
        assert arn == "arn:aws:iam::123456789012:user/local"
    if outcomes["s3 ls"].returncode == 0:
        assert "key.txt" in outcomes["s3 ls"].stdout
    return outcomes
