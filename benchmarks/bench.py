"""What real-time signing costs, side by side with plain botocore.

    make bench            (or: PYTHONPATH=. python benchmarks/bench.py [--rounds N])

Signing time is measured in fresh processes, alternating the set-ups round
after round so that machine drift cancels out, and printed as the median
ratio to plain botocore. Pure-Python signers (BOTO_DISABLE_CRT=true) keep
the figures comparable whether or not awscrt is installed. The script also
counts the reads of the realtime file (inotify) for one signature and for
one boto3 API call with refreshable credentials, and measures the import
time the library adds after boto3 and the start-up cost of the autopatch
.pth hook. It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import shutil
import statistics
import struct
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETUPS = ("plain", "switch-off", "on-tmpfs", "on-libfaketimefs")
OPERATIONS = ("sigv4-header", "s3-presigned-url")

# --- the worker: one set-up, in a fresh process --------------------------------


def worker(setup: str, iterations: int) -> dict[str, float]:
    # One core for every worker: less noise from the scheduler.
    os.sched_setaffinity(0, {max(os.sched_getaffinity(0))})
    import botocore.auth
    import botocore.session
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    if setup != "plain":
        import libfaketimefs_botocore
        from libfaketimefs_botocore import wrap_points

        wrap_points.install()
        if setup != "switch-off":
            libfaketimefs_botocore.patch_botocore()
    credentials = Credentials("AKIDEXAMPLE", "secret")
    s3 = botocore.session.get_session().create_client(
        "s3",
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
    )

    def sigv4_header() -> None:
        request = AWSRequest(method="GET", url="https://sts.amazonaws.com/?Action=X")
        botocore.auth.SigV4Auth(credentials, "sts", "us-east-1").add_auth(request)

    def presigned_url() -> None:
        s3.generate_presigned_url("get_object", Params={"Bucket": "bucket", "Key": "key"})

    figures = {}
    for name, operation in (("sigv4-header", sigv4_header), ("s3-presigned-url", presigned_url)):
        for _ in range(iterations // 10):
            operation()
        # The fastest of several batches: a batch the machine interrupted
        # says nothing about the code.
        batches = []
        for _ in range(7):
            start = time.perf_counter()
            for _ in range(iterations // 7):
                operation()
            batches.append((time.perf_counter() - start) / (iterations // 7))
        figures[name] = min(batches)
    return figures


def read_cost(setup: str) -> float:
    """Seconds for one of botocore's signing clock reads, the fastest of 7 timeit runs."""
    import timeit

    import botocore.auth

    if setup != "plain":
        import libfaketimefs_botocore
        from libfaketimefs_botocore import wrap_points

        wrap_points.install()
        if setup != "switch-off":
            libfaketimefs_botocore.patch_botocore()
    read = getattr(botocore.auth, "get_current_datetime", None)
    if read is None:
        read = botocore.auth.datetime.datetime.utcnow
    number = 200 if setup == "on-libfaketimefs" else 20000
    return min(timeit.repeat(read, number=number, repeat=7)) / number


# --- counting reads of the realtime file with inotify --------------------------

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


def count_reads(realtime_file: str) -> dict[str, int]:
    import datetime

    import boto3
    from botocore.credentials import RefreshableCredentials

    import libfaketimefs_botocore
    from tests.harness.endpoint import ACCESS_KEY, SECRET_KEY, Endpoint

    os.environ["FAKETIME_REALTIME_FILE"] = realtime_file
    libfaketimefs_botocore.patch_botocore()
    counter = OpenCounter(realtime_file)
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
        s3 = session.client("s3", endpoint_url=endpoint.url, region_name="us-east-1")
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
        s3.generate_presigned_url("get_object", Params=params)
        static_s3.generate_presigned_url("get_object", Params=params)
        counter.take()
        static_s3.generate_presigned_url("get_object", Params=params)
        signature = counter.take()
        s3.generate_presigned_url("get_object", Params=params)
        refreshable_presign = counter.take()
        sts.get_caller_identity()
        call = counter.take()
    return {"signature": signature, "refreshable-presign": refreshable_presign, "api-call": call}


# --- the parent: alternate fresh processes, print ratios ------------------------


def run_env(realtime_file: str | None) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("FAKETIME", "LD_PRELOAD", "LIBFAKETIMEFS_BOTOCORE"))
    }
    env["BOTO_DISABLE_CRT"] = "true"
    env["PYTHONPATH"] = str(ROOT)
    if realtime_file is not None:
        env["FAKETIME_REALTIME_FILE"] = realtime_file
    return env


def run_worker(setup: str, iterations: int, realtime_file: str | None) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, __file__, "--worker", setup, "--iterations", str(iterations)],
        env=run_env(realtime_file),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output)  # type: ignore[no-any-return]


def import_cost(rounds: int) -> tuple[float, float, float]:
    """Medians of: import boto3; then import the library; then patch_botocore()."""
    code = (
        "import time; t0 = time.perf_counter(); import boto3; t1 = time.perf_counter(); "
        "import libfaketimefs_botocore; t2 = time.perf_counter(); "
        "libfaketimefs_botocore.patch_botocore(); t3 = time.perf_counter(); "
        "print(t1 - t0, t2 - t1, t3 - t2)"
    )
    samples: list[list[float]] = [[], [], []]
    for _ in range(rounds):
        output = subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True
        ).stdout.split()
        for sample, value in zip(samples, output):
            sample.append(float(value))
    boto3_import, library_import, patch = (statistics.median(sample) for sample in samples)
    return boto3_import, library_import, patch


def startup_cost(rounds: int) -> tuple[float, float]:
    """`python -c pass` in a bare venv, and in one holding only the autopatch hook."""
    with tempfile.TemporaryDirectory() as directory:
        bare, hooked = Path(directory) / "bare", Path(directory) / "hooked"
        for venv in (bare, hooked):
            subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
        site = Path(
            sysconfig.get_path("purelib", vars={"base": str(hooked), "platbase": str(hooked)})
        )
        for name in ("libfaketimefs_botocore.pth", "_libfaketimefs_botocore_autopatch.py"):
            shutil.copy(ROOT / "startup" / name, site / name)
        times: dict[Path, list[float]] = {bare: [], hooked: []}
        env = {k: v for k, v in os.environ.items() if k != "LIBFAKETIMEFS_BOTOCORE_AUTOPATCH"}
        for _ in range(rounds):
            for venv in (bare, hooked):
                start = time.perf_counter()
                subprocess.run([str(venv / "bin" / "python"), "-c", "pass"], check=True, env=env)
                times[venv].append(time.perf_counter() - start)
        return statistics.median(times[bare]), statistics.median(times[hooked])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--iterations", type=int, default=3000)
    parser.add_argument("--worker")
    parser.add_argument("--count-reads")
    parser.add_argument("--read-cost")
    arguments = parser.parse_args()
    if arguments.worker:
        print(json.dumps(worker(arguments.worker, arguments.iterations)))
        return
    if arguments.read_cost:
        print(json.dumps(read_cost(arguments.read_cost)))
        return
    if arguments.count_reads:
        print(json.dumps(count_reads(arguments.count_reads)))
        return

    from tests.harness.faketime import Mount

    with tempfile.TemporaryDirectory(prefix="bench-") as directory:
        tmpfs_file = Path("/dev/shm") / f"bench-realtime-{os.getpid()}"
        tmpfs_file.write_text(f"{time.time():.6f}\n")
        mount = Mount(Path(directory) / "mnt")
        mount.start()
        try:
            files = {
                "plain": None,
                "switch-off": str(tmpfs_file),
                "on-tmpfs": str(tmpfs_file),
                "on-libfaketimefs": str(mount.realtime),
            }
            samples: dict[str, dict[str, list[float]]] = {
                setup: {operation: [] for operation in OPERATIONS} for setup in SETUPS
            }
            for round_number in range(arguments.rounds):
                # Rotate the order each round, so no set-up always runs first.
                order = SETUPS[round_number % len(SETUPS) :] + SETUPS[: round_number % len(SETUPS)]
                for setup in order:
                    figures = run_worker(setup, arguments.iterations, files[setup])
                    for operation in OPERATIONS:
                        samples[setup][operation].append(figures[operation])
            costs = {
                setup: json.loads(
                    subprocess.run(
                        [sys.executable, __file__, "--read-cost", setup],
                        env={**run_env(files[setup])},
                        check=True,
                        capture_output=True,
                        text=True,
                    ).stdout
                )
                for setup in SETUPS
            }
            reads = json.loads(
                subprocess.run(
                    [sys.executable, __file__, "--count-reads", str(tmpfs_file)],
                    env={**os.environ, "BOTO_DISABLE_CRT": "true", "PYTHONPATH": str(ROOT)},
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
            )
        finally:
            mount.stop()
            tmpfs_file.unlink()

    print("Signing time as a ratio to plain botocore in the same round, median of")
    print(f"{arguments.rounds} rounds (pure-Python signers, {arguments.iterations} signatures")
    print("a set-up a round, the fastest of 7 batches):\n")
    header = f"{'':22}" + "".join(f"{operation:>20}" for operation in OPERATIONS)
    print(header)
    plain = {op: statistics.median(samples["plain"][op]) for op in OPERATIONS}
    print(f"{'plain botocore':22}" + "".join(f"{plain[op] * 1e6:>17.1f} us" for op in OPERATIONS))
    for setup in SETUPS[1:]:
        ratios = {
            op: statistics.median(
                mine / base for mine, base in zip(samples[setup][op], samples["plain"][op])
            )
            for op in OPERATIONS
        }
        print(f"{setup:22}" + "".join(f"{ratios[op]:>20.3f}" for op in OPERATIONS))
    print("\nOne signing clock read (get_current_datetime or utcnow), fastest of 7 runs;")
    print("what it adds to plain botocore's, and that as a share of one SigV4 signature:")
    base = costs["plain"]
    for setup in SETUPS:
        added = costs[setup] - base
        print(
            f"  {setup:20}{costs[setup] * 1e6:9.2f} us  {added * 1e6:+9.2f} us"
            f"  ({added / plain['sigv4-header']:+.1%})"
        )
    print("\nReads of the realtime file (inotify opens):")
    print(f"  one signature (presigned URL, static credentials):   {reads['signature']}")
    print(f"  one presigned URL, refreshable credentials:          {reads['refreshable-presign']}")
    print(f"  one boto3 API call, refreshable credentials:         {reads['api-call']}")
    boto3_import, library_import, patch = import_cost(arguments.rounds * 2)
    print("\nImport time, median:")
    print(f"  import boto3:                                  {boto3_import * 1e3:7.1f} ms")
    print(
        f"  import libfaketimefs_botocore after boto3:     {library_import * 1e3:7.1f} ms "
        f"({library_import / boto3_import:.1%} of boto3's)"
    )
    print(
        f"  then patch_botocore() (imports wrapt):         {patch * 1e3:7.1f} ms "
        f"({patch / boto3_import:.1%} of boto3's)"
    )
    bare, hooked = startup_cost(arguments.rounds * 3)
    print("\nInterpreter start-up (python -c pass), median, autopatch variable unset:")
    print(f"  without the package:   {bare * 1e3:6.1f} ms")
    print(f"  with the .pth hook:    {hooked * 1e3:6.1f} ms ({hooked / bare - 1:+.1%})")


if __name__ == "__main__":
    main()
