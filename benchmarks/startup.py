"""What the library adds to a program's start: its import, and the autopatch start-up hook.

The hook (``LIBFAKETIMEFS_BOTOCORE_AUTOPATCH=1``, loaded from a ``.pth`` file)
runs in every Python process of a machine set up as the README shows, the
AWS CLI's every command included. Targets: at most 1.10 for ``python -c
pass`` with the variable, against the same interpreter without it; at most
1.02 for a script that makes one boto3 client, against the same script
that patches by hand (what patching costs once botocore is there).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from benchmarks import runner
from benchmarks.context import Context

IMPORTS = (
    "import time; t0 = time.perf_counter(); import boto3; t1 = time.perf_counter(); "
    "import libfaketimefs_botocore; t2 = time.perf_counter(); "
    "libfaketimefs_botocore.patch_botocore(); t3 = time.perf_counter(); "
    "print(t1 - t0, t2 - t1, t3 - t2)"
)
CLIENT = "import boto3\nboto3.client('s3', region_name='us-east-1')\n"
PATCHED_BY_HAND = (
    "import boto3\nimport libfaketimefs_botocore\nlibfaketimefs_botocore.patch_botocore()\n"
    "boto3.client('s3', region_name='us-east-1')\n"
)
AUTOPATCH = "LIBFAKETIMEFS_BOTOCORE_AUTOPATCH"


def _seconds(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, capture_output=True)
    return time.perf_counter() - start


def _environment(autopatch: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != AUTOPATCH}
    env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"] = "AKIDEXAMPLE", "secret"
    return {**env, AUTOPATCH: "1"} if autopatch else env


def imports(context: Context) -> list[str]:
    samples: list[list[float]] = [[], [], []]
    for _ in range(context.rounds * 2):
        output = subprocess.run(
            [sys.executable, "-c", IMPORTS], check=True, capture_output=True, text=True
        ).stdout.split()
        for sample, value in zip(samples, output):
            sample.append(float(value))
    boto3_import, library_import, patch = (runner.median(sample) for sample in samples)
    return [
        "Import time, median:",
        f"  import boto3:                                  {boto3_import * 1e3:7.1f} ms",
        f"  import libfaketimefs_botocore after boto3:     {library_import * 1e3:7.1f} ms "
        f"({library_import / boto3_import:.1%} of boto3's)",
        f"  then patch_botocore() (imports wrapt):         {patch * 1e3:7.1f} ms "
        f"({patch / boto3_import:.1%} of boto3's)",
    ]


def hook_installed(context: Context) -> list[str]:
    """``python -c pass`` in a bare venv and in one holding only the hook, variable unset."""
    with tempfile.TemporaryDirectory() as directory:
        bare, hooked = Path(directory) / "bare", Path(directory) / "hooked"
        for venv in (bare, hooked):
            subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
        site = Path(
            sysconfig.get_path("purelib", vars={"base": str(hooked), "platbase": str(hooked)})
        )
        for name in ("libfaketimefs_botocore.pth", "_libfaketimefs_botocore_autopatch.py"):
            shutil.copy(runner.ROOT / "startup" / name, site / name)
        env = _environment(autopatch=False)
        pythons = {"bare": bare, "hooked": hooked}
        times = runner.rotated(
            ["bare", "hooked"],
            context.rounds * 3,
            lambda name: _seconds([str(pythons[name] / "bin" / "python"), "-c", "pass"], env),
        )
    bare_time, hooked_time = runner.median(times["bare"]), runner.median(times["hooked"])
    added = hooked_time / bare_time - 1
    return [
        "Interpreter start-up (python -c pass), median, autopatch variable unset:",
        f"  without the package:   {bare_time * 1e3:6.1f} ms",
        f"  with the .pth hook:    {hooked_time * 1e3:6.1f} ms ({added:+.1%})",
    ]


def autopatch(context: Context) -> list[str]:
    """This interpreter (the package installed), with the variable and without."""
    runs = {
        "pass": ([sys.executable, "-c", "pass"], False),
        "pass, autopatch": ([sys.executable, "-c", "pass"], True),
        "client, no library": ([sys.executable, "-c", CLIENT], False),
        "client, patched by hand": ([sys.executable, "-c", PATCHED_BY_HAND], False),
        "client, autopatch": ([sys.executable, "-c", CLIENT], True),
    }
    times = runner.rotated(
        list(runs),
        context.rounds * 3,
        lambda name: _seconds(runs[name][0], _environment(runs[name][1])),
    )

    def ratio(name: str, base: str) -> float:
        return runner.ratio(times[name], times[base])

    def ms(name: str) -> str:
        return f"{runner.median(times[name]) * 1e3:6.1f} ms"

    return [
        f"With {AUTOPATCH}=1, median of {context.rounds * 3} rotated runs:",
        f"  python -c pass:                    {ms('pass')} without, {ms('pass, autopatch')} with"
        f"  ratio {ratio('pass, autopatch', 'pass'):.3f} (target <= 1.10)",
        f"  a script making one boto3 client:  {ms('client, no library')} without the library,"
        f" {ms('client, patched by hand')} patched by hand, {ms('client, autopatch')} autopatched",
        f"    autopatched / patched by hand:   ratio "
        f"{ratio('client, autopatch', 'client, patched by hand'):.3f} (target <= 1.02)",
    ]


def measure(context: Context) -> list[str]:
    return [*imports(context), "", *hook_installed(context), "", *autopatch(context)]
