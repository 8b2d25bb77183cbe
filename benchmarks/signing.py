"""Signing time: a SigV4 header, a presigned URL and a whole API call, per set-up.

Printed as the median ratio to plain botocore in the same round; two set-ups
run under libfaketime driven by the libfaketimefs mount, and are compared
with each other.
"""

from __future__ import annotations

import os
from typing import Callable

from benchmarks import runner
from benchmarks.context import Context

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


def work(mode: str, iterations: int) -> dict[str, float]:
    """In a fresh process: seconds per operation, the fastest of 7 batches."""
    import botocore.auth
    import botocore.session
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    runner.turn_on(mode)
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

    operations: list[tuple[str, Callable[[], object], int]] = [
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
    figures: dict[str, float] = {}
    for name, operation, count in operations:
        for _ in range(count // 10):
            operation()
        figures[name] = runner.fastest(operation, count)
    figures["pid"] = os.getpid()
    return figures


def environments(context: Context) -> dict[str, dict[str, str]]:
    """Each set-up's environment: where its real time comes from, and its faker."""
    files = {None: None, "mount": context.mount_realtime, "off": context.off_file}
    envs = {
        name: {**runner.run_env(files[source]), "BENCH_ENDPOINT": context.endpoint_url}
        for name, (_, source) in SETUPS.items()
    }
    envs.update(
        (name, runner.run_env(files[source], context.mount_faketimerc))
        for name, (_, source) in FAKED_SETUPS.items()
    )
    return envs


def measure(context: Context) -> list[str]:
    modes = {**SETUPS, **FAKED_SETUPS}
    envs = environments(context)

    def run(name: str) -> dict[str, float]:
        iterations = context.iterations // 3 if name in FAKED_SETUPS else context.iterations
        figures: dict[str, float] = runner.in_fresh_process(
            "signing", "work", envs[name], modes[name][0], iterations
        )
        return figures

    samples = runner.rotated(list(modes), context.rounds, run)

    def series(name: str, operation: str) -> list[float]:
        return [figures[operation] for figures in samples[name] if operation in figures]

    def ratios(name: str, base: str) -> dict[str, float]:
        return {
            op: runner.ratio(series(name, op), series(base, op))
            for op in OPERATIONS
            if series(name, op)
        }

    def medians(name: str) -> dict[str, float]:
        return {op: runner.median(series(name, op)) for op in OPERATIONS if series(name, op)}

    def row(label: str, values: dict[str, float], unit: str = "") -> str:
        if unit:
            cells = "".join(f"{values[op] * 1e6:>17.1f} us" for op in OPERATIONS if op in values)
        else:
            cells = "".join(f"{values[op]:>20.3f}" for op in OPERATIONS if op in values)
        return f"{label:26}{cells}"

    lines = [
        "Signing time as a ratio to plain botocore in the same round, median of",
        f"{context.rounds} rounds (pure-Python signers, {context.iterations} signatures",
        "a set-up a round, the fastest of 7 batches):",
        "",
        f"{'':26}" + "".join(f"{operation:>20}" for operation in OPERATIONS),
        row("plain botocore", medians("plain"), "us"),
    ]
    lines += [row(name, ratios(name, "plain")) for name in list(SETUPS)[1:]]
    lines += [
        "",
        "Under libfaketime + libfaketimefs (+400 days), both processes faked:",
        row("faked, unpatched", medians("faked, unpatched"), "us"),
        row("faked, patched", medians("faked, patched"), "us"),
        row("patched / unpatched", ratios("faked, patched", "faked, unpatched")),
    ]
    return lines


def sigv4_header_seconds(context: Context) -> float:
    """One plain SigV4 header signature, for the measurements that compare with it."""
    figures: dict[str, float] = runner.in_fresh_process(
        "signing", "work", runner.run_env(), "plain", context.iterations
    )
    return figures["sigv4-header"]
