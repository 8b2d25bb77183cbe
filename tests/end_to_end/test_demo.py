"""`make demo` shows what it claims and leaves nothing behind, even when interrupted."""

from __future__ import annotations

import glob
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.harness.faketime import ROOT, clean_environment

DEMO = [sys.executable, str(ROOT / "demo" / "demo.py")]
# The demo with SIGINT at its default, as a terminal gives it: a suite run as a
# background job of a non-interactive shell ignores SIGINT, and a child would
# inherit that. exec keeps a default disposition, and needs no preexec_fn.
WITH_DEFAULT_SIGINT = [
    sys.executable,
    "-c",
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execv(sys.argv[1], sys.argv[1:])",
    *DEMO,
]


def _environment(tmp: Path) -> dict[str, str]:
    """The demo's temporary folders in ``tmp``: what it leaves is told from another run's."""
    env = clean_environment()
    env["PYTHONPATH"] = str(ROOT)
    env["TMPDIR"] = str(tmp)
    return env


def _leftovers(tmp: Path) -> list[str]:
    with open("/proc/mounts") as mounts:
        mounted = [line for line in mounts if f"{tmp}/libfaketimefs-demo-" in line]
    return mounted + glob.glob(f"{tmp}/libfaketimefs-demo-*")


def test_demo_is_refused_then_accepted_and_cleans_up(tmp_path: Path) -> None:
    result = subprocess.run(
        DEMO, env=_environment(tmp_path), capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "-> REFUSED" in result.stdout
    assert "SignatureDoesNotMatch" in result.stdout
    assert "Signature not yet current" in result.stdout
    assert "-> accepted" in result.stdout
    # The real S3 server over HTTPS: refused in the handshake, then accepted, and named.
    assert "-> REFUSED in the TLS handshake" in result.stdout
    assert "certificate has expired" in result.stdout
    assert "-> accepted, answered by SeaweedFS" in result.stdout
    assert "stored demo/hello.txt" in result.stdout
    assert "unmounted" in result.stdout
    assert _leftovers(tmp_path) == []
    assert not _demo_processes(tmp_path)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_demo_cleans_up(signum: int, tmp_path: Path) -> None:
    process = subprocess.Popen(
        WITH_DEFAULT_SIGINT,
        env=_environment(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    try:
        for line in process.stdout:
            if line.startswith("1) "):  # the faked boto3 program is starting
                break
        time.sleep(0.5)
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130, stdout + stderr
    assert "interrupted: cleaning up" in stdout
    assert _leftovers(tmp_path) == []
    assert not _demo_processes(tmp_path)


def _demo_processes(tmp: Path) -> list[str]:
    return [pid for pid in os.listdir("/proc") if pid.isdigit() and _demo_process(pid, tmp)]


def _demo_process(pid: str, tmp: Path) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return f"{tmp}/libfaketimefs-demo-".encode() in cmdline.read()
    except OSError:
        return False
