"""Work on an engine's workers, each a process of its own: boto3 and s3fs against SeaweedFS.

    python engines_client.py ENGINE       (ENGINE_OPTIONS in the environment, JSON)

The driver starts the engine's workers (a process pool, loky, a dask
LocalCluster, Ray), each task signs an S3 request in its worker and reports
what the server said, the worker's pid and its clock. It prints one JSON
document. The environment (libfaketime, the autopatch variable, the options)
reaches the workers as each engine passes it on; Celery's worker is started by
the test, with :data:`app` (``-A tests.harness.engines_client``). It imports
nothing from the tests.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

OPTIONS: dict[str, Any] = json.loads(os.environ.get("ENGINE_OPTIONS", "{}"))
REGION = "us-east-1"


def _s3() -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=OPTIONS["endpoint"],
        region_name=REGION,
        aws_access_key_id=OPTIONS["access_key"],
        aws_secret_access_key=OPTIONS["secret_key"],
        config=Config(retries={"total_max_attempts": 1}, s3={"addressing_style": "path"}),
    )


def put(index: int) -> dict[str, Any]:
    """One signed PUT from this worker: what the server said, this worker, its clock."""
    from botocore.exceptions import ClientError

    outcome: dict[str, Any] = {"pid": os.getpid(), "fake": time.time()}
    try:
        _s3().put_object(Bucket=OPTIONS["bucket"], Key=f"{OPTIONS['engine']}/{index}", Body=b"x")
        outcome.update(ok=True, code="")
    except ClientError as error:
        outcome.update(ok=False, code=error.response.get("Error", {}).get("Code", str(error)))
    return outcome


def _storage_options() -> dict[str, Any]:
    return {
        "key": OPTIONS["access_key"],
        "secret": OPTIONS["secret_key"],
        "client_kwargs": {"endpoint_url": OPTIONS["endpoint"], "region_name": REGION},
        "config_kwargs": {"retries": {"total_max_attempts": 1}},
    }


def run_pool() -> list[dict[str, Any]]:
    import concurrent.futures
    import multiprocessing

    context = multiprocessing.get_context(OPTIONS["method"])
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=context) as pool:
        return list(pool.map(put, range(2)))


def run_loky() -> list[dict[str, Any]]:
    from joblib import Parallel, delayed

    return list(Parallel(n_jobs=2, backend="loky")(delayed(put)(i) for i in range(2)))


def run_dask() -> dict[str, Any]:
    import dask.dataframe as dd
    import pandas as pd
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        results = client.gather(client.map(put, range(2)))
        path = f"s3://{OPTIONS['bucket']}/dask.parquet"
        frame = dd.from_pandas(pd.DataFrame({"a": [1, 2, 3, 4]}), npartitions=2)
        try:
            frame.to_parquet(path, storage_options=_storage_options())
            back = dd.read_parquet(path, storage_options=_storage_options()).compute()
            parquet = {"ok": True, "rows": sorted(back["a"].tolist())}
        except Exception as error:  # noqa: BLE001 - reported to the test
            parquet = {"ok": False, "code": f"{type(error).__name__}: {error}"[:300]}
    return {"tasks": results, "parquet": parquet}


def run_ray() -> list[dict[str, Any]]:
    import ray

    ray.init(
        num_cpus=2,
        include_dashboard=False,
        object_store_memory=80 * 1024 * 1024,
        log_to_driver=False,
        runtime_env={"env_vars": OPTIONS.get("worker_env", {})},
    )
    try:
        task = ray.remote(put)
        return list(ray.get([task.remote(i) for i in range(2)]))
    finally:
        ray.shutdown()


def _celery_app() -> Any:
    from celery import Celery

    folder = OPTIONS["folder"]
    for name in ("in", "processed", "results"):
        os.makedirs(os.path.join(folder, name), exist_ok=True)
    celery = Celery("engines", broker="filesystem://", backend=f"file://{folder}/results")
    celery.conf.broker_transport_options = {
        "data_folder_in": f"{folder}/in",
        "data_folder_out": f"{folder}/in",
        "processed_folder": f"{folder}/processed",
        "store_processed": True,
    }
    celery.conf.worker_hijack_root_logger = False
    celery.task(name="engines.put")(put)
    return celery


app = _celery_app() if OPTIONS.get("engine") == "celery" else None


def run_celery_send() -> list[dict[str, Any]]:
    """Send two tasks to the worker the test started, and wait for their results by polling
    (no timed wait: under libfaketime one may never end)."""
    assert app is not None
    results = [app.send_task("engines.put", args=(i,)) for i in range(2)]
    for _ in range(600):
        if all(result.ready() for result in results):
            break
        time.sleep(0.2)
    return [
        result.result if result.ready() else {"ok": False, "code": "no answer"}
        for result in results
    ]


if __name__ == "__main__":
    print(json.dumps(globals()["run_" + sys.argv[1]]()))
