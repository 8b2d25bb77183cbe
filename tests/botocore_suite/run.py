"""Run botocore's own test suite with the library in place, and compare.

    python tests/botocore_suite/run.py unit               # plain, installed, on
    python tests/botocore_suite/run.py functional         # installed: where it signs
    python tests/botocore_suite/run.py functional --full  # installed: all of it

Takes the sdist of the botocore installed in this Python from the package
index (it ships ``tests/``), unpacks it under ``.tools/botocore-suite`` and
runs its tests with the interpreter running this script:

- ``unit``: plain; with the wrap points installed and the switch off, the
  outcome of every test must equal plain's; with the switch held on and no
  faker, only the tests in :mod:`expected_differences` may differ.
- ``functional``: the wrap points installed and the switch off; every test
  that does not pass is run again plain, and must fail there too. By default
  the tests of what signs, judges credentials and tokens, builds endpoints and
  retries (:data:`FUNCTIONAL`); ``--full`` runs all 59,000 (``make
  botocore-suite-full``), which CI's time does not hold beside the rest.

Exits 1, saying which tests and how, on any other difference.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CACHE = ROOT / ".tools" / "botocore-suite"
sys.path[:0] = [str(HERE), str(ROOT)]

from expected_differences import how_it_fakes  # noqa: E402

from tests.harness.faketime import clean_environment  # noqa: E402

# What botocore's tests need beyond botocore (its requirements-dev.txt, less
# coverage and behave).
REQUIREMENTS = ["pytest", "pytest-xdist", "jsonschema"]

# tests/functional where botocore signs, judges credentials and tokens, builds
# endpoints (and S3's) and retries: the code the wrap points sit in and call.
FUNCTIONAL = [
    f"tests/functional/{name}"
    for name in (
        # signing and auth
        "test_auth_config.py",
        "test_bearer_auth.py",
        "test_s3.py",
        "test_s3express.py",
        "test_disable_s3_express_auth.py",
        "test_s3_control.py",
        "test_s3_control_redirects.py",
        "test_h2_required.py",
        # credentials and tokens
        "test_credentials.py",
        "test_sts.py",
        "test_signin.py",
        # endpoints
        "test_endpoints.py",
        "test_regions.py",
        "test_account_id_endpoints.py",
        "test_context_params.py",
        # retries, the clients and sessions that run them
        "test_retry.py",
        "retries",
        "test_client.py",
        "test_session.py",
        "test_stub.py",
        "test_useragent.py",
    )
]


def botocore_version() -> str:
    import botocore

    return str(botocore.__version__)


def unpacked_sdist(version: str) -> Path:
    folder = CACHE / f"botocore-{version}"
    if (folder / "tests" / "unit").is_dir():
        return folder
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as download:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--disable-pip-version-check",
                "--no-deps",
                "--no-binary",
                ":all:",
                f"botocore=={version}",
                "--dest",
                download,
            ],
            check=True,
        )
        (archive,) = Path(download).glob("botocore-*.tar.gz")
        with tarfile.open(archive) as sdist:
            if hasattr(tarfile, "data_filter"):
                sdist.extractall(CACHE, filter="data")
            else:  # Pythons without the filter: files and folders only, no links
                members = [m for m in sdist.getmembers() if m.isfile() or m.isdir()]
                sdist.extractall(CACHE, members=members)
    return folder


def run(sdist: Path, mode: str, suite: str, nodeids: list[str] | None = None) -> dict[str, object]:
    """One pytest run of the suite in ``mode``; its outcomes by node id."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as results:
        path = results.name
    env = {
        **clean_environment(),  # no faker, no AWS settings, no autopatch
        "LIBFAKETIMEFS_BOTOCORE_SUITE": mode,
        "LIBFAKETIMEFS_BOTOCORE_SUITE_RESULTS": path,
        "PYTHONPATH": str(HERE),
    }
    argv = [
        sys.executable,
        "-m",
        "pytest",
        *(nodeids or [f"tests/{suite}"]),
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "libfaketimefs_botocore_suite",
        # The library's own plugin stays out of plain botocore's run.
        *(["-p", "no:libfaketimefs_botocore"] if mode == "plain" else []),
        "-n",
        os.environ.get("BOTOCORE_SUITE_WORKERS", "2"),
    ]
    started = time.monotonic()
    completed = subprocess.run(argv, cwd=sdist, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started
    try:
        with open(path) as file:
            found: dict[str, object] = json.load(file)
    except (OSError, ValueError):
        raise SystemExit(
            f"botocore's {suite} tests did not run ({mode}, exit {completed.returncode}):\n"
            f"{completed.stdout[-4000:]}\n{completed.stderr[-4000:]}"
        ) from None
    finally:
        os.unlink(path)
    summary = completed.stdout.strip().splitlines()[-1:] or ["(no summary)"]
    print(f"  {mode:<9} {summary[0]} [{seconds:.0f} s]", flush=True)
    found["seconds"] = seconds
    return found


def _outcomes(result: dict[str, object]) -> dict[str, str]:
    outcomes = result["outcomes"]
    assert isinstance(outcomes, dict)
    return outcomes


def _differences(left: dict[str, str], right: dict[str, str]) -> list[str]:
    return sorted(
        nodeid
        for nodeid in left.keys() | right.keys()
        if left.get(nodeid, "not run") != right.get(nodeid, "not run")
    )


def _wrapped(result: dict[str, object], mode: str) -> list[str]:
    wrapped = result.get("wrapped")
    assert isinstance(wrapped, list)
    if not any(str(name).startswith("botocore.auth.") for name in wrapped):
        raise SystemExit(f"{mode}: the wrap points were not installed in botocore.auth")
    return wrapped


def unit(sdist: Path) -> list[str]:
    plain = _outcomes(run(sdist, "plain", "unit"))
    installed_result = run(sdist, "installed", "unit")
    on_result = run(sdist, "on", "unit")
    _wrapped(installed_result, "installed")
    _wrapped(on_result, "on")
    problems = []
    for nodeid in _differences(plain, _outcomes(installed_result)):
        problems.append(
            f"switch off: {nodeid}: {plain.get(nodeid, 'not run')} plain, "
            f"{_outcomes(installed_result).get(nodeid, 'not run')} with the wrap points"
        )
    on = _outcomes(on_result)
    expected = 0
    for nodeid in _differences(plain, on):
        if how_it_fakes(nodeid) is None:
            problems.append(
                f"switch on: {nodeid}: {plain.get(nodeid, 'not run')} plain, "
                f"{on.get(nodeid, 'not run')} with the switch on, and it is not a test "
                "that fakes botocore's clock (expected_differences.py)"
            )
        else:
            expected += 1
    print(
        f"  {len(plain)} tests; switch off: {len(_differences(plain, _outcomes(installed_result)))}"
        f" differ; switch on: {expected} differ, each faking botocore's clock itself"
    )
    return problems


def functional(sdist: Path, full: bool) -> list[str]:
    # A path a release does not have yet (or any more) is left out, and said.
    paths = None if full else [path for path in FUNCTIONAL if (sdist / path).exists()]
    if paths is not None and len(paths) < len(FUNCTIONAL):
        print(f"  not in this release: {sorted(set(FUNCTIONAL) - set(paths))}")
    installed_result = run(sdist, "installed", "functional", paths)
    _wrapped(installed_result, "installed")
    outcomes = _outcomes(installed_result)
    failed = sorted(nodeid for nodeid, outcome in outcomes.items() if outcome == "failed")
    print(f"  {len(outcomes)} tests; {len(failed)} failed with the wrap points installed")
    if not failed:
        return []
    plain = _outcomes(run(sdist, "plain", "functional", failed))
    return [
        f"switch off: {nodeid}: failed with the wrap points, {plain.get(nodeid, 'not run')} plain"
        for nodeid in failed
        if plain.get(nodeid) != "failed"
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("suite", choices=["unit", "functional"])
    parser.add_argument("--full", action="store_true", help="all of tests/functional")
    arguments = parser.parse_args()
    suite = arguments.suite
    version = botocore_version()
    sdist = unpacked_sdist(version)
    which = "" if suite == "unit" or arguments.full else " (where it signs)"
    print(f"botocore {version}'s tests/{suite}{which}, Python {sys.version.split()[0]}", flush=True)
    problems = unit(sdist) if suite == "unit" else functional(sdist, arguments.full)
    for problem in problems:
        print(f"DIFFERENT: {problem}")
    if problems:
        print(f"FAILED: {len(problems)} test(s) of botocore {version} behave differently")
        return 1
    print(f"botocore {version} tests/{suite}: the same as plain botocore, as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
