"""One of botocore's signing clock reads (``get_current_datetime`` or ``utcnow``), per set-up.

The median over the rounds of each set-up's fastest of 7 runs; what it adds
to plain botocore's read, and that as a share of one SigV4 signature.
"""

from __future__ import annotations

from benchmarks import runner, signing
from benchmarks.context import Context


def work(mode: str, iterations: int) -> float:
    """In a fresh process: seconds per read, the fastest of 7 timeit runs."""
    import timeit

    import botocore.auth

    runner.turn_on(mode)
    read = getattr(botocore.auth, "get_current_datetime", None)
    if read is None:
        read = botocore.auth.datetime.datetime.utcnow
    return min(timeit.repeat(read, number=iterations, repeat=7)) / iterations


def measure(context: Context) -> list[str]:
    envs = signing.environments(context)
    names = list(signing.SETUPS)

    def run(name: str) -> float:
        seconds: float = runner.in_fresh_process(
            "read_cost", "work", envs[name], signing.SETUPS[name][0], 20000
        )
        return seconds

    costs = {
        name: runner.median(s) for name, s in runner.rotated(names, context.rounds, run).items()
    }
    signature = runner.median(signing.sigv4_header_seconds(context) for _ in range(3))
    lines = [
        "One signing clock read (get_current_datetime or utcnow), the median over the",
        "rounds of the fastest of 7 runs;",
        "what it adds to plain botocore's, and that as a share of one SigV4 signature:",
    ]
    for name in names:
        added = costs[name] - costs["plain"]
        lines.append(
            f"  {name:24}{costs[name] * 1e6:9.2f} us  {added * 1e6:+9.2f} us"
            f"  ({added / signature:+.1%})"
        )
    return lines
