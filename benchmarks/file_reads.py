"""Opens of the realtime file (inotify): how often signing reads it.

Signing without pause with the libfaketimefs mount, which agrees with the
kernel clock (read at most once a second); and, with a file 30 s off the
kernel clock (read at every clock read), one signature and one API call.
"""

from __future__ import annotations

import ctypes
import os
import struct
import time

from benchmarks import runner
from benchmarks.context import Context

_IN_OPEN = 0x20
_IN_CLOSE_NOWRITE = 0x10
_IN_NONBLOCK = os.O_NONBLOCK


class OpenCounter:
    """Counts the opens of one file (each read of the realtime file is one open).

    Closes are watched too: inotify merges an event into an identical one
    still queued, so back-to-back opens would count as one.
    """

    def __init__(self, path: str) -> None:
        self._libc = ctypes.CDLL(None, use_errno=True)
        self._fd = self._libc.inotify_init1(_IN_NONBLOCK)
        if (
            self._fd < 0
            or self._libc.inotify_add_watch(self._fd, path.encode(), _IN_OPEN | _IN_CLOSE_NOWRITE)
            < 0
        ):
            raise OSError(ctypes.get_errno(), "inotify")

    def take(self) -> int:
        count = 0
        while True:
            try:
                data = os.read(self._fd, 65536)
            except BlockingIOError:
                return count
            offset = 0
            while offset < len(data):
                _, mask, _, length = struct.unpack_from("iIII", data, offset)
                count += bool(mask & _IN_OPEN)
                offset += 16 + length


def work(agreeing_file: str, disagreeing_file: str) -> dict[str, float]:
    """In a fresh process: opens a second while signing without pause, and for one of each."""
    import datetime

    import boto3
    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials, RefreshableCredentials

    import libfaketimefs_botocore
    from tests.harness.endpoint import ACCESS_KEY, SECRET_KEY, Endpoint

    libfaketimefs_botocore.patch_botocore()
    figures: dict[str, float] = {}

    # The libfaketimefs mount, which agrees with the kernel clock.
    os.environ["FAKETIME_REALTIME_FILE"] = agreeing_file
    counter = OpenCounter(agreeing_file)
    signer = botocore.auth.SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "sts", "us-east-1")
    signatures = 0
    start = time.perf_counter()
    while time.perf_counter() - start < 5:
        signer.add_auth(AWSRequest(method="GET", url="https://sts.amazonaws.com/"))
        signatures += 1
    elapsed = time.perf_counter() - start
    figures["opens-per-second"] = counter.take() / elapsed
    figures["signatures-per-second"] = signatures / elapsed

    # A file the kernel clock disagrees with: read at every clock read.
    os.environ["FAKETIME_REALTIME_FILE"] = disagreeing_file
    counter = OpenCounter(disagreeing_file)
    with Endpoint() as endpoint:
        expiry = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
        credentials = RefreshableCredentials.create_from_metadata(
            {
                "access_key": ACCESS_KEY,
                "secret_key": SECRET_KEY,
                "token": None,
                "expiry_time": expiry.isoformat(),
            },
            refresh_using=lambda: {},
            method="benchmark",
        )
        session = boto3.Session()
        session._session._credentials = credentials
        sts = session.client("sts", endpoint_url=endpoint.url, region_name="us-east-1")
        static_s3 = boto3.client(
            "s3",
            endpoint_url=endpoint.url,
            region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )
        params = {"Bucket": "b", "Key": "k"}
        # Warm up: endpoint resolution and other first-call work.
        sts.get_caller_identity()
        static_s3.generate_presigned_url("get_object", Params=params)
        counter.take()
        static_s3.generate_presigned_url("get_object", Params=params)
        figures["signature"] = counter.take()
        sts.get_caller_identity()
        figures["api-call"] = counter.take()
    return figures


def measure(context: Context) -> list[str]:
    reads = runner.in_fresh_process(
        "file_reads", "work", runner.run_env(), context.mount_realtime, context.off_file
    )
    return [
        "Opens of the realtime file (inotify):",
        f"  signing without pause, libfaketimefs mount: {reads['opens-per-second']:.2f} a second "
        f"({reads['signatures-per-second']:.0f} signatures a second)",
        "  a file 30 s off the kernel clock, read at every clock read:",
        f"    one signature (presigned URL, static credentials):   {reads['signature']:.0f}",
        f"    one boto3 API call, refreshable credentials:         {reads['api-call']:.0f}",
    ]
