"""s3cmd, the command, against SeaweedFS under libfaketime and libfaketimefs.

An unmodified command: the start-up hook patches it when it imports its
package ``S3``. freezegun and time-machine fake a Python program from inside,
which a command is not.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.harness import signer_packages as packages
from tests.harness.faketime import DAY, ClockSetup, Libfaketime, Mount, run_faked
from tests.harness.seaweedfs import SeaweedFS

pytest.importorskip("S3")
pytestmark = pytest.mark.timeout(300)


def _s3cmd() -> str:
    beside = Path(sys.executable).with_name("s3cmd")
    found = str(beside) if beside.exists() else shutil.which("s3cmd")
    assert found, "s3cmd is not installed"
    return found


def _config(seaweedfs: SeaweedFS, folder: Path) -> Path:
    host = urlsplit(seaweedfs.url).netloc
    path = folder / "s3cfg"
    path.write_text(
        "[default]\n"
        f"access_key = {seaweedfs.access_key}\n"
        f"secret_key = {seaweedfs.secret_key}\n"
        f"host_base = {host}\n"
        f"host_bucket = {host}\n"
        "use_https = False\n"
        "signature_v2 = False\n"
        "bucket_location = us-east-1\n"
    )
    return path


def _commands(bucket: str, folder: Path) -> dict[str, list[str]]:
    (folder / "up.txt").write_text("s3cmd")
    return {
        "mb": ["mb", f"s3://{bucket}"],
        "put": ["put", str(folder / "up.txt"), f"s3://{bucket}/k.txt"],
        "ls": ["ls", f"s3://{bucket}"],
        "get": ["get", "--force", f"s3://{bucket}/k.txt", str(folder / "down.txt")],
        "signurl": ["signurl", f"s3://{bucket}/k.txt", "+3600"],
    }


def _run(
    seaweedfs: SeaweedFS, setup: ClockSetup, bucket: str, folder: Path, autopatch: bool
) -> dict[str, tuple[int, str]]:
    config = _config(seaweedfs, folder)
    env = packages.AUTOPATCH if autopatch else None
    results = {}
    for name, arguments in _commands(bucket, folder).items():
        argv = [sys.executable, _s3cmd(), "-c", str(config), *arguments]
        done = run_faked(argv, setup, env, timeout=60)
        results[name] = (done.returncode, (done.stdout + done.stderr).strip())
        if done.returncode != 0:
            break
    return results


@pytest.mark.parametrize("setup_name", ["libfaketime +400d", "libfaketime -400d", "libfaketimefs"])
def test_accepted_with_the_autopatch_variable(
    seaweedfs: SeaweedFS, faked: Mount, bucket: str, tmp_path: Path, setup_name: str
) -> None:
    setup: ClockSetup = faked if setup_name == "libfaketimefs" else Libfaketime(setup_name[-5:])
    if setup_name == "libfaketimefs":
        faked.jump(400 * DAY)
    results = _run(seaweedfs, setup, bucket, tmp_path, autopatch=True)
    assert {name: code for name, (code, _) in results.items()} == dict.fromkeys(
        ["mb", "put", "ls", "get", "signurl"], 0
    ), results
    assert (tmp_path / "down.txt").read_text() == "s3cmd"
    # signurl's Expires, from the real time, and the URL taken by SeaweedFS from here.
    url = results["signurl"][1].splitlines()[-1]
    assert abs(int(parse_qs(urlsplit(url).query)["Expires"][0]) - time.time() - 3600) < 120
    assert packages.fetched_from_here(url) == b"s3cmd"


def test_refused_unpatched(seaweedfs: SeaweedFS, bucket: str, tmp_path: Path) -> None:
    results = _run(seaweedfs, Libfaketime("+400d"), bucket, tmp_path, autopatch=False)
    ((code, output),) = results.values()
    assert code != 0
    assert "RequestTimeTooSkewed" in output
