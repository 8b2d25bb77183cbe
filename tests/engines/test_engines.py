"""Engines whose workers sign: process pools, loky, dask distributed, Ray, Celery (issue 46).

A job run a year ahead under libfaketime, with the autopatch variable in
its environment: each engine's workers are processes of their own, and each
gets the environment as the engine passes it on (inherited through fork or
spawn, a dask or Ray worker started by the driver, a Celery worker started
on its own). Every worker's PUT to SeaweedFS is accepted, while the workers
keep the fake time; without the library every one is refused. The process
pools run in ``make test``; dask, Ray and Celery in the nox session
``engines`` (they are not in the dev environment).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.harness.faketime import DAY, ROOT, Libfaketime, Unfaked, remove_libfaketime_leftovers
from tests.harness.seaweedfs import SeaweedFS

pytestmark = pytest.mark.timeout(600)

CLIENT = ROOT / "tests" / "harness" / "engines_client.py"
AUTOPATCH = {"LIBFAKETIMEFS_BOTOCORE_AUTOPATCH": "1"}


def _needs(*packages: str) -> None:
    for package in packages:
        if importlib.util.find_spec(package) is None:
            pytest.skip(f"{package} is not installed (the nox session engines)")


def _options(seaweedfs: SeaweedFS, bucket: str, engine: str, **more: Any) -> dict[str, str]:
    with contextlib.suppress(Exception):  # made by the first call of the test
        seaweedfs.create_bucket(bucket)
    options = {**seaweedfs.client_options(), "bucket": bucket, "engine": engine, **more}
    return {"ENGINE_OPTIONS": json.dumps(options)}


def _drive(engine: str, env: dict[str, str], days: int | None, timeout: float = 300) -> Any:
    setup = Unfaked() if days is None else Libfaketime(f"{days:+d}d")
    process = subprocess.Popen(
        [sys.executable, str(CLIENT), engine],
        env=setup.environment(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=str(ROOT),
        start_new_session=True,  # its workers too, to end them all on a hang
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        raise AssertionError(f"{engine} did not finish in {timeout} s\n{stderr[-3000:]}") from None
    finally:
        remove_libfaketime_leftovers(process.pid)
    assert process.returncode == 0, stderr[-3000:]
    return json.loads(stdout.splitlines()[-1])


def _accepted(tasks: list[dict[str, Any]], days: int) -> None:
    assert [task["ok"] for task in tasks] == [True] * len(tasks), tasks
    assert len({task["pid"] for task in tasks}) >= 1
    for task in tasks:  # each worker kept the fake time
        assert abs(task["fake"] - time.time() - days * DAY) < 2 * DAY, task


def _refused(tasks: list[dict[str, Any]]) -> None:
    assert [task["ok"] for task in tasks] == [False] * len(tasks), tasks
    assert {task["code"] for task in tasks} <= {"RequestTimeTooSkewed", "AccessDenied"}, tasks


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
@pytest.mark.parametrize("days", [400, -400])
def test_process_pool_workers(seaweedfs: SeaweedFS, bucket: str, method: str, days: int) -> None:
    env = _options(seaweedfs, bucket, "pool", method=method)
    _accepted(_drive("pool", {**env, **AUTOPATCH}, days), days)
    _refused(_drive("pool", env, days))


def test_loky_workers(seaweedfs: SeaweedFS, bucket: str) -> None:
    _needs("joblib")
    env = _options(seaweedfs, bucket, "loky")
    _accepted(_drive("loky", {**env, **AUTOPATCH}, 400), 400)
    _refused(_drive("loky", env, 400))


def test_dask_local_cluster(seaweedfs: SeaweedFS, bucket: str) -> None:
    """boto3 tasks, and s3fs's to_parquet and read_parquet through dask (aiobotocore)."""
    _needs("distributed", "s3fs", "pandas")
    env = _options(seaweedfs, bucket, "dask")
    result = _drive("dask", {**env, **AUTOPATCH}, 400)
    _accepted(result["tasks"], 400)
    assert result["parquet"] == {"ok": True, "rows": [1, 2, 3, 4]}, result
    without = _drive("dask", env, 400)
    _refused(without["tasks"])
    assert without["parquet"]["ok"] is False


def test_ray_workers_faked_from_the_driver(seaweedfs: SeaweedFS, bucket: str) -> None:
    """A real-clock driver fakes Ray's workers through ``runtime_env``'s ``env_vars``: the
    workers sign with the real time, and keep the fake one."""
    _needs("ray")
    faked = Libfaketime("+400d").environment()
    worker_env = {name: faked[name] for name in ("LD_PRELOAD", "FAKETIME")}
    env = _options(seaweedfs, bucket, "ray", worker_env={**worker_env, **AUTOPATCH})
    _accepted(_drive("ray", env, None), 400)
    refused = _options(seaweedfs, bucket, "ray", worker_env=worker_env)
    _refused(_drive("ray", refused, None))


@pytest.mark.parametrize("library", [True, False], ids=["with", "without"])
def test_celery_prefork_worker(
    seaweedfs: SeaweedFS, bucket: str, tmp_path: Path, library: bool
) -> None:
    """A faked Celery worker (prefork pool, the filesystem transport: no broker server), fed
    by a real-clock client."""
    _needs("celery")
    env = _options(seaweedfs, bucket, "celery", folder=str(tmp_path))
    worker_env = Libfaketime("+400d").environment(
        {**env, **(AUTOPATCH if library else {}), "PYTHONPATH": str(CLIENT.parent)}
    )
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "engines_client",
            "worker",
            "--pool=prefork",
            "--concurrency=2",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        env=worker_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=str(CLIENT.parent),
        start_new_session=True,
    )
    try:
        # The client keeps the real clock; its polls for the results are bounded by count.
        tasks = _drive("celery_send", env, None, timeout=180)
    finally:
        # Celery's warm shutdown never ends under libfaketime 0.9.10: the pool is killed.
        os.killpg(worker.pid, signal.SIGKILL)
        worker.communicate()
        remove_libfaketime_leftovers(worker.pid)
    if library:
        _accepted(tasks, 400)
    else:
        _refused(tasks)
