"""What real-time signing costs, side by side with plain botocore.

    make bench            (or: PYTHONPATH=. python benchmarks/bench.py [--rounds N])

Signing time is measured in fresh processes, alternating the set-ups round
after round so that machine drift cancels out, and printed as the median
ratio to plain botocore. Pure-Python signers (BOTO_DISABLE_CRT=true) keep
the figures comparable whether or not awscrt is installed. Two of the
set-ups run under libfaketime driven by the libfaketimefs mount, and are
compared with each other. The script also counts the opens of the realtime
file (inotify) while signing without pause and for one signature and one
boto3 API call, and measures the import time the library adds after boto3
and the start-up cost of the autopatch .pth hook. It prints figures; it
asserts nothing.
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
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
OPERATIONS = ("sigv4-header", "s3-presigned-url", "api-call")
SIGNING = OPERATIONS[:2]  # what the faked set-ups measure

# name: (what the worker turns on, where the real time comes from)
SETUPS = {
    "plain": ("plain", None),
    "switch-off": ("switch-off", None),
    "on, kernel clock": ("on", None),
    "on, libfaketimefs mount": ("on", "mount"),
    "on, file 30 s off": ("on", "off"),
}
# Under libfaketime + libfaketimefs, patched against unpatched.
FAKED_SETUPS = {"faked, unpatched": ("plain", "mount"), "faked, patched": ("on", "mount")}

# --- the worker: one set-up, in a fresh process --------------------------------


def _turn_on(mode: str) -> None:
    """plain: no library; switch-off: wrap points installed, switch off; on: patched."""
    if mode != "plain":
        import libfaketimefs_botocore
        from libfaketimefs_botocore import integrations, wrapping

        wrapping.install(integrations.WRAP_POINTS)
        if mode != "switch-off":
            libfaketimefs_botocore.patch_botocore()


def worker(mode: str, iterations: int) -> dict[str, float]:
    # One core for every worker: less noise from the scheduler.
    os.sched_setaffinity(0, {max(os.sched_getaffinity(0))})
    import botocore.auth
    import botocore.session
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    _turn_on(mode)
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

    operations = [
        ("sigv4-header", sigv4_header, iterations),
        ("s3-presigned-url", presigned_url, iterations),
    ]
    endpoint_url = os.environ.get("BENCH_ENDPOINT")
    if endpoint_url:
        # A whole API call, answered by the local endpoint in the parent: what
        # the hooks that learn an endpoint's clock add to a call that is not refused.
        from tests.harness.endpoint import ACCESS_KEY, SECRET_KEY

        sts = botocore.session.get_session().create_client(
            "sts",
            endpoint_url=endpoint_url,
            region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )
        operations.append(("api-call", sts.get_caller_identity, max(70, iterations // 20)))
    figures = {}
    for name, operation, count in operations:
        for _ in range(count // 10):
            operation()
        figures[name] = fastest(operation, count)
    figures["pid"] = os.getpid()
    return figures


def fastest(operation: Callable[[], object], count: int) -> float:
    """Seconds per call, the fastest of 7 batches that make ``count`` calls in all: a batch
    the machine interrupted says nothing about the code."""
    batches = []
    for _ in range(7):
        start = time.perf_counter()
        for _ in range(count // 7):
            operation()
        batches.append((time.perf_counter() - start) / (count // 7))
    return min(batches)


def tls_cost(setup: str) -> dict[str, float]:
    """Seconds for a new client connection's SSL and for a whole handshake (memory BIOs,
    verifying a certificate of the tests' CA), the fastest of 7 batches; run under
    libfaketime at the real time, so that the unpatched handshake verifies too."""
    import ssl

    from tests.harness import certificates

    _turn_on(setup)
    with tempfile.TemporaryDirectory(prefix="bench-tls-") as directory:
        made = certificates.make(Path(directory))
        server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_context.load_cert_chain(made.certificate, made.key)
        client_context = ssl.create_default_context(cafile=str(made.ca))
    # A signature for the host (patched, its connections get the real time); made
    # unpatched too, so that both processes hold the same.
    import botocore.session

    botocore.session.get_session().create_client(
        "s3",
        endpoint_url="https://localhost",
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
    ).generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"})

    def new_connection() -> None:
        client_context.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), server_hostname="localhost")

    def handshake() -> None:
        to_server, to_client = ssl.MemoryBIO(), ssl.MemoryBIO()
        client = client_context.wrap_bio(to_client, to_server, server_hostname="localhost")
        server = server_context.wrap_bio(to_server, to_client, server_side=True)
        done = [False, False]
        while not all(done):
            for index, side in enumerate((client, server)):
                if not done[index]:
                    try:
                        side.do_handshake()
                        done[index] = True
                    except ssl.SSLWantReadError:
                        pass

    return {
        "ssl": fastest(new_connection, 7000),
        "handshake": fastest(handshake, 700),
        "pid": os.getpid(),
    }


def read_cost(setup: str, iterations: int) -> float:
    """Seconds for one of botocore's signing clock reads, the fastest of 7 timeit runs."""
    import timeit

    import botocore.auth

    _turn_on(setup)
    read = getattr(botocore.auth, "get_current_datetime", None)
    if read is None:
        read = botocore.auth.datetime.datetime.utcnow
    number = iterations
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


def count_reads(agreeing_file: str, disagreeing_file: str) -> dict[str, float]:
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


# --- the parent: alternate fresh processes, print ratios ------------------------


def run_env(realtime_file: str | None, faketimerc: str | None = None) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("FAKETIME", "LD_PRELOAD", "LIBFAKETIMEFS_BOTOCORE"))
    }
    env["BOTO_DISABLE_CRT"] = "true"
    env["PYTHONPATH"] = str(ROOT)
    if realtime_file is not None:
        env["FAKETIME_REALTIME_FILE"] = realtime_file
    if faketimerc is not None:
        from tests.harness.faketime import libfaketime

        env.update(
            LD_PRELOAD=libfaketime(), FAKETIME_TIMESTAMP_FILE=faketimerc, FAKETIME_NO_CACHE="1"
        )
    return env


def _at_the_real_time() -> dict[str, str]:
    """libfaketime preloaded, faking nothing: OpenSSL's check is the library's to change."""
    from tests.harness.faketime import libfaketime

    return {"LD_PRELOAD": libfaketime(), "FAKETIME": "+0"}


def run_worker(mode: str, iterations: int, env: dict[str, str]) -> dict[str, float]:
    process = subprocess.run(
        [sys.executable, __file__, "--worker", mode, "--iterations", str(iterations)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    if "LD_PRELOAD" in env:
        from tests.harness.faketime import remove_libfaketime_leftovers

        remove_libfaketime_leftovers(json.loads(process.stdout)["pid"])
    return json.loads(process.stdout)  # type: ignore[no-any-return]


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
    parser.add_argument("--disagreeing")
    parser.add_argument("--read-cost")
    parser.add_argument("--tls-cost")
    arguments = parser.parse_args()
    if arguments.tls_cost:
        print(json.dumps(tls_cost(arguments.tls_cost)))
        return
    if arguments.worker:
        print(json.dumps(worker(arguments.worker, arguments.iterations)))
        return
    if arguments.read_cost:
        print(json.dumps(read_cost(arguments.read_cost, 20000)))
        return
    if arguments.count_reads:
        print(json.dumps(count_reads(arguments.count_reads, arguments.disagreeing)))
        return

    from tests.harness.endpoint import Endpoint
    from tests.harness.faketime import DAY, Mount, remove_libfaketime_leftovers

    with tempfile.TemporaryDirectory(prefix="bench-") as directory:
        off_file = Path("/dev/shm") / f"bench-realtime-{os.getpid()}"
        off_file.write_text(f"{time.time() - 30:.6f}\n")
        mount = Mount(Path(directory) / "mnt")
        mount.start()
        mount.jump(400 * DAY)
        endpoint = Endpoint().__enter__()
        try:
            files = {None: None, "mount": str(mount.realtime), "off": str(off_file)}
            envs = {
                name: {**run_env(files[source]), "BENCH_ENDPOINT": endpoint.url}
                for name, (_, source) in SETUPS.items()
            }
            envs.update(
                (name, run_env(files[source], str(mount.faketimerc)))
                for name, (_, source) in FAKED_SETUPS.items()
            )
            modes = {**SETUPS, **FAKED_SETUPS}
            samples: dict[str, dict[str, list[float]]] = {
                name: {operation: [] for operation in OPERATIONS} for name in modes
            }
            names = list(modes)
            for round_number in range(arguments.rounds):
                # Rotate the order each round, so no set-up always runs first.
                turn = round_number % len(names)
                for name in names[turn:] + names[:turn]:
                    faked = name in FAKED_SETUPS
                    iterations = arguments.iterations // 3 if faked else arguments.iterations
                    figures = run_worker(modes[name][0], iterations, envs[name])
                    for operation in OPERATIONS if name in SETUPS else SIGNING:
                        samples[name][operation].append(figures[operation])
            # The cost of one clock read, alternating likewise: the median of
            # each set-up's fastest runs.
            read_samples: dict[str, list[float]] = {name: [] for name in SETUPS}
            for round_number in range(arguments.rounds):
                turn = round_number % len(SETUPS)
                for name in list(SETUPS)[turn:] + list(SETUPS)[:turn]:
                    read_samples[name].append(
                        json.loads(
                            subprocess.run(
                                [sys.executable, __file__, "--read-cost", modes[name][0]],
                                env=envs[name],
                                check=True,
                                capture_output=True,
                                text=True,
                            ).stdout
                        )
                    )
            costs = {name: statistics.median(read_samples[name]) for name in SETUPS}
            reads = json.loads(
                subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--count-reads",
                        str(mount.realtime),
                        "--disagreeing",
                        str(off_file),
                    ],
                    env=run_env(None),
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
            )
            tls_samples: dict[str, list[dict[str, float]]] = {"plain": [], "on": []}
            tls_env = {**run_env(None), **_at_the_real_time()}
            for round_number in range(arguments.rounds):
                for name in ("plain", "on") if round_number % 2 else ("on", "plain"):
                    process = subprocess.run(
                        [sys.executable, __file__, "--tls-cost", name],
                        env=tls_env,
                        check=True,
                        capture_output=True,
                        text=True,
                    )
                    figures = json.loads(process.stdout)
                    remove_libfaketime_leftovers(figures["pid"])
                    tls_samples[name].append(figures)
        finally:
            endpoint.__exit__()
            mount.stop()
            off_file.unlink()

    def ratios(name: str, base: str) -> dict[str, float]:
        return {
            op: statistics.median(
                mine / other for mine, other in zip(samples[name][op], samples[base][op])
            )
            for op in OPERATIONS
            if samples[name][op]
        }

    def row(label: str, values: dict[str, float], unit: str = "") -> None:
        if unit:
            cells = "".join(f"{values[op] * 1e6:>17.1f} us" for op in OPERATIONS if op in values)
        else:
            cells = "".join(f"{values[op]:>20.3f}" for op in OPERATIONS if op in values)
        print(f"{label:26}{cells}")

    def median(name: str) -> dict[str, float]:
        return {op: statistics.median(samples[name][op]) for op in OPERATIONS if samples[name][op]}

    print("Signing time as a ratio to plain botocore in the same round, median of")
    print(f"{arguments.rounds} rounds (pure-Python signers, {arguments.iterations} signatures")
    print("a set-up a round, the fastest of 7 batches):\n")
    print(f"{'':26}" + "".join(f"{operation:>20}" for operation in OPERATIONS))
    plain = median("plain")
    row("plain botocore", plain, "us")
    for name in list(SETUPS)[1:]:
        row(name, ratios(name, "plain"))
    print("\nUnder libfaketime + libfaketimefs (+400 days), both processes faked:")
    row("faked, unpatched", median("faked, unpatched"), "us")
    row("faked, patched", median("faked, patched"), "us")
    row("patched / unpatched", ratios("faked, patched", "faked, unpatched"))
    print("\nOne signing clock read (get_current_datetime or utcnow), the median over the")
    print("rounds of the fastest of 7 runs;")
    print("what it adds to plain botocore's, and that as a share of one SigV4 signature:")
    base = costs["plain"]
    for name in SETUPS:
        added = costs[name] - base
        print(
            f"  {name:24}{costs[name] * 1e6:9.2f} us  {added * 1e6:+9.2f} us"
            f"  ({added / plain['sigv4-header']:+.1%})"
        )
    print("\nOpens of the realtime file (inotify):")
    print(
        f"  signing without pause, libfaketimefs mount: {reads['opens-per-second']:.2f} a second "
        f"({reads['signatures-per-second']:.0f} signatures a second)"
    )
    print("  a file 30 s off the kernel clock, read at every clock read:")
    print(f"    one signature (presigned URL, static credentials):   {reads['signature']:.0f}")
    print(f"    one boto3 API call, refreshable credentials:         {reads['api-call']:.0f}")
    print("\nA new HTTPS connection to a host signed for, under libfaketime (at the real time),")
    print("median of the fastest of 7 batches; patched: its certificate judged by the real time:")
    for figure, label in (("ssl", "its SSL (wrap_bio)"), ("handshake", "a whole handshake")):
        plain_tls = statistics.median(f[figure] for f in tls_samples["plain"])
        on_tls = statistics.median(f[figure] for f in tls_samples["on"])
        print(
            f"  {label:22}{plain_tls * 1e6:9.1f} us unpatched {on_tls * 1e6:9.1f} us patched "
            f"({on_tls - plain_tls:+.1e} s, {on_tls / plain_tls - 1:+.1%})"
        )
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
