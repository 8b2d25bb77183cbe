"""What real-time signing costs, side by side with plain botocore.

    make bench            (or: PYTHONPATH=. python benchmarks/bench.py [--rounds N])

One module per measurement, each with a ``measure(context)`` that returns the
lines it prints; :mod:`benchmarks.runner` runs their work in fresh
processes, alternating the set-ups round after round so that machine drift
cancels out, and takes medians and ratios. Pure-Python signers
(BOTO_DISABLE_CRT=true) keep the figures comparable whether or not awscrt is
installed. It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import file_reads, native, read_cost, signing, startup, tls
from benchmarks.context import opened

# In the order they are printed.
MEASUREMENTS = (signing, read_cost, file_reads, tls, native, startup)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--iterations", type=int, default=3000)
    parser.add_argument("--only", action="append", help="a measurement's module name (repeatable)")
    arguments = parser.parse_args()
    chosen = [
        m for m in MEASUREMENTS if not arguments.only or m.__name__.split(".")[-1] in arguments.only
    ]
    with opened(arguments.rounds, arguments.iterations) as context:
        for index, measurement in enumerate(chosen):
            if index:
                print()
            print("\n".join(measurement.measure(context)), flush=True)


if __name__ == "__main__":
    main()
