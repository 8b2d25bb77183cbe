"""The real libfaketimefs mount and libfaketime-preloaded subprocesses."""

from __future__ import annotations

import contextlib
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parents[2]
CLIENT = Path(__file__).with_name("client.py")
# The signers that are not botocore, in a program of their own.
OTHER_SIGNERS_CLIENT = Path(__file__).with_name("other_signers_client.py")
SIGNER_PACKAGES_CLIENT = Path(__file__).with_name("signer_packages_client.py")
NATIVE_CLIENT = Path(__file__).with_name("native_client.py")
SMITHY_CLIENT = Path(__file__).with_name("smithy_client.py")
DAY = 86400

# Installed by `make tools` (see the Makefile); overridable for other layouts.
LIBFAKETIMEFS_HOME = Path(os.environ.get("LIBFAKETIMEFS_HOME", ROOT / ".tools" / "libfaketimefs"))
PYTHON2 = os.environ.get(
    "LIBFAKETIMEFS_PYTHON", os.path.expanduser("~/.pyenv/versions/2.7.18/bin/python2.7")
)

# Anything that would fake the daemon's clock or carry state into a test process.
_SCRUBBED = ("LD_PRELOAD", "AWS_", "BOTO_", "FAKETIME", "PYTHONPATH", "LIBFAKETIMEFS_BOTOCORE")


def libfaketime() -> str:
    found = sorted(glob.glob("/usr/lib/*/faketime/libfaketime.so.1"))
    if not found:
        raise RuntimeError("libfaketime is not installed: apt-get install -y libfaketime")
    return found[0]


def clean_environment() -> dict[str, str]:
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(_SCRUBBED) and name != "COVERAGE_PROCESS_START"
    }


class Mount:
    """A running libfaketimefs: control, faketimerc and realtime in a directory."""

    def __init__(self, mountpoint: Path) -> None:
        self.mountpoint = mountpoint
        self.realtime = mountpoint / "realtime"
        self.faketimerc = mountpoint / "faketimerc"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        script = LIBFAKETIMEFS_HOME / "bin" / "libfaketimefs"
        if not script.exists() or not os.path.exists(PYTHON2):
            raise RuntimeError(
                f"libfaketimefs is not installed at {LIBFAKETIMEFS_HOME} (Python 2: {PYTHON2}); "
                "run `make tools`"
            )
        self.mountpoint.mkdir(parents=True, exist_ok=True)
        env = clean_environment()
        env["PYTHONPATH"] = str(LIBFAKETIMEFS_HOME)
        self._process = subprocess.Popen(
            [PYTHON2, str(script), str(self.mountpoint)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"libfaketimefs exited: {self._process.stderr.read()!r}")  # type: ignore[union-attr]
            try:
                float(self.realtime.read_text())
                return
            except (OSError, ValueError):
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("libfaketimefs did not come up within 30 s")

    @classmethod
    @contextlib.contextmanager
    def temporary(cls, prefix: str = "libfaketimefs-") -> Iterator[Mount]:
        """A mount in a temporary folder, unmounted and removed on the way out."""
        with tempfile.TemporaryDirectory(prefix=prefix) as directory:
            mount = cls(Path(directory) / "mnt")
            mount.start()
            try:
                yield mount
            finally:
                mount.stop()

    @property
    def pid(self) -> int:
        assert self._process is not None, "not started"
        return self._process.pid

    @contextlib.contextmanager
    def stopped(self) -> Iterator[None]:
        """The daemon stopped (SIGSTOP): its files open, every read blocks until it continues."""
        os.kill(self.pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.kill(self.pid, signal.SIGCONT)

    def jump(self, seconds: float) -> None:
        """Fake time = real time + seconds, from now on."""
        now = int(time.time())
        target = now + int(seconds)
        (self.mountpoint / "control").write_text(f"{now} {target} {target} 1\n")
        assert abs(float(self.faketimerc.read_text()) - seconds) < 5

    def environment(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """libfaketime driven by this mount, which also serves the real time."""
        return faked_environment(self, extra)

    def stop(self) -> None:
        fusermount = shutil.which("fusermount") or shutil.which("fusermount3") or "fusermount"
        subprocess.run(
            [fusermount, "-u", "-z", str(self.mountpoint)], check=False, capture_output=True
        )
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            if self._process.stderr is not None:
                self._process.stderr.close()
            self._process = None


def remove_libfaketime_leftovers(pid: int) -> None:
    for path in (f"/dev/shm/faketime_shm_{pid}", f"/dev/shm/sem.faketime_sem_{pid}"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


def _client_environment(extra: dict[str, str] | None, **settings: str) -> dict[str, str]:
    env = clean_environment()
    env.update(
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        AWS_DEFAULT_REGION="us-east-1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(settings)
    env.update(extra or {})
    return {name: value for name, value in env.items() if value != ""}


def faked_environment(mount: Mount, extra: dict[str, str] | None = None) -> dict[str, str]:
    """libfaketime driven by the libfaketimefs mount, which also serves the real time."""
    return _client_environment(
        extra,
        LD_PRELOAD=libfaketime(),
        FAKETIME_TIMESTAMP_FILE=str(mount.faketimerc),
        FAKETIME_NO_CACHE="1",
        FAKETIME_REALTIME_FILE=str(mount.realtime),
    )


class Libfaketime:
    """libfaketime alone: ``FAKETIME`` in the environment, no libfaketimefs, no realtime file."""

    def __init__(self, faketime: str) -> None:
        self.faketime = faketime

    def environment(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return _client_environment(extra, LD_PRELOAD=libfaketime(), FAKETIME=self.faketime)


class Unfaked:
    """No libfaketime: the program fakes its own clock (freezegun, time-machine) or none."""

    def environment(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return _client_environment(extra)


class ClockSetup(Protocol):
    """How a client process's clock is faked: its environment says it all."""

    def environment(self, extra: dict[str, str] | None = None) -> dict[str, str]: ...


def run_faked(
    argv: list[str],
    setup: ClockSetup,
    extra_env: dict[str, str] | None = None,
    timeout: float = 120,
    input: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a command with its clock faked, with a timeout: timed waits can hang there."""
    process = subprocess.Popen(
        argv,
        env=setup.environment(extra_env),
        stdin=None if input is None else subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=str(ROOT),
    )
    try:
        stdout, stderr = process.communicate(input, timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
        raise AssertionError(
            f"{argv} under libfaketime did not finish in {timeout} s\n{stdout}\n{stderr}"
        ) from None
    except BaseException:  # interrupted: leave no faked process behind
        process.kill()
        process.communicate()
        raise
    finally:
        remove_libfaketime_leftovers(process.pid)
    return subprocess.CompletedProcess(argv, process.returncode, stdout, stderr)


def run_client(
    scenario: str,
    setup: ClockSetup,
    options: dict[str, Any],
    extra_env: dict[str, str] | None = None,
    timeout: float = 120,
    program: Path = CLIENT,
) -> dict[str, Any]:
    result = run_faked(
        [sys.executable, str(program), scenario, json.dumps(options)], setup, extra_env, timeout
    )
    if result.returncode != 0:
        raise AssertionError(f"client {scenario} failed ({result.returncode}):\n{result.stderr}")
    return json.loads(result.stdout.splitlines()[-1])  # type: ignore[no-any-return]
