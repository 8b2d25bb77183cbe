"""The native S3 clients (obstore, polars, pyarrow) against SeaweedFS, run in a subprocess.

    python native_client.py SCENARIO '{"package": "obstore", "endpoint": URL, ...}'

It prints one JSON document. It imports nothing from the tests. Under
libfaketime, the library is on for good through the autopatch variable (the
test's environment), or not at all; the scenarios that show the mechanism
itself call it directly.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
import time
from typing import Any, Callable
from urllib.parse import urlsplit

OPTIONS: dict[str, Any] = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
ENDPOINT = OPTIONS.get("endpoint", "")
REGION = "us-east-1"
if ENDPOINT.startswith("https:"):
    # The test CA, for rustls (obstore, polars) as for OpenSSL.
    os.environ["SSL_CERT_FILE"] = OPTIONS["ca_bundle"]


def obstore_steps() -> dict[str, Callable[[], Any]]:
    import obstore
    from obstore.store import S3Store

    no_retry = {
        "max_retries": 0,
        "retry_timeout": datetime.timedelta(seconds=10),
        "backoff": {
            "init_backoff": datetime.timedelta(seconds=0.1),
            "max_backoff": datetime.timedelta(seconds=1),
            "base": 2,
        },
    }
    store = S3Store(
        OPTIONS["bucket"],
        endpoint=ENDPOINT,
        access_key_id=OPTIONS["access_key"],
        secret_access_key=OPTIONS["secret_key"],
        region=REGION,
        client_options={"allow_http": True},
        retry_config=no_retry,  # type: ignore[arg-type]
    )
    return {
        "put": lambda: obstore.put(store, "k.txt", b"obstore") and None,
        "get": lambda: bytes(obstore.get(store, "k.txt").bytes()).decode(),
        "list": lambda: [m["path"] for batch in obstore.list(store) for m in batch],
        "presigned_get": lambda: obstore.sign(store, "GET", "k.txt", datetime.timedelta(hours=1)),
    }


def polars_steps() -> dict[str, Callable[[], Any]]:
    import polars as pl

    options = {
        "aws_access_key_id": OPTIONS["access_key"],
        "aws_secret_access_key": OPTIONS["secret_key"],
        "aws_region": REGION,
        "aws_endpoint_url": ENDPOINT,
        "aws_allow_http": "true",
        "max_retries": 0,
    }
    path = f"s3://{OPTIONS['bucket']}/p.parquet"
    return {
        "write_parquet": lambda: pl.DataFrame({"a": [1, 2]}).write_parquet(
            path, storage_options=options
        ),
        "read_parquet": lambda: pl.read_parquet(path, storage_options=options)["a"].to_list(),
        "scan_parquet": lambda: (
            pl.scan_parquet(path, storage_options=options).collect()["a"].to_list()
        ),
    }


def pyarrow_steps() -> dict[str, Callable[[], Any]]:
    import pyarrow as pa
    import pyarrow.fs as fs
    import pyarrow.parquet as pq

    url = urlsplit(ENDPOINT)
    s3 = fs.S3FileSystem(
        access_key=OPTIONS["access_key"],
        secret_key=OPTIONS["secret_key"],
        region=REGION,
        endpoint_override=url.netloc,
        scheme=url.scheme,
        # One resend: its SDK's own correction of the skew, after one refusal.
        retry_strategy=fs.AwsStandardS3RetryStrategy(max_attempts=2),
        **({"tls_ca_file_path": OPTIONS["ca_bundle"]} if url.scheme == "https" else {}),
    )
    path = f"{OPTIONS['bucket']}/pa.parquet"
    return {
        "write_table": lambda: pq.write_table(pa.table({"a": [1, 2]}), path, filesystem=s3),
        "read_table": lambda: pq.read_table(path, filesystem=s3)["a"].to_pylist(),
    }


PACKAGES = {"obstore": obstore_steps, "polars": polars_steps, "pyarrow": pyarrow_steps}


def attempt(call: Callable[[], Any]) -> dict[str, Any]:
    try:
        answer = call()
    except Exception as error:  # noqa: BLE001 - reported to the test
        return {"ok": False, "code": f"{type(error).__name__}: {error}"[:400]}
    outcome: dict[str, Any] = {"ok": True, "code": ""}
    if isinstance(answer, (str, list)):
        outcome["answer"] = answer
    return outcome


def _steps() -> dict[str, Any]:
    results = {}
    for name, step in PACKAGES[OPTIONS["package"]]().items():
        results[name] = attempt(step)
        if not results[name]["ok"]:
            break
    return results


def _statuses() -> dict[str, str]:
    if "libfaketimefs_botocore.clock_imports" not in sys.modules:
        return {}
    from libfaketimefs_botocore import clock_imports

    return dict(clock_imports.statuses)


def scenario_s3() -> dict[str, Any]:
    """The package's steps, as an unmodified program makes them."""
    results = _steps()
    return {"results": results, "fake": time.time(), "statuses": _statuses()}


def scenario_fork() -> dict[str, Any]:
    """The package's steps in a child forked after the redirection (the variable is set)."""
    PACKAGES[OPTIONS["package"]]()  # imported, and so redirected, in the parent
    read, write = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read)
        os.write(write, json.dumps(_steps()).encode())
        os._exit(0)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 65536):
        chunks.append(chunk)
    os.waitpid(child, 0)
    return {"results": json.loads(b"".join(chunks)), "statuses": _statuses()}


def scenario_restore() -> dict[str, Any]:
    """Redirected, the steps; restored, the steps again."""
    from libfaketimefs_botocore import clock_imports

    PACKAGES[OPTIONS["package"]]()
    before = _steps()
    restored = clock_imports.restore(OPTIONS["library"])
    after = _steps()
    return {"redirected": before, "restored": restored, "after": after, "statuses": _statuses()}


def scenario_redirect() -> dict[str, Any]:
    """clock_imports.redirect(OPTIONS["library"]) after importing OPTIONS["module"]."""
    import importlib

    from libfaketimefs_botocore import clock_imports

    importlib.import_module(OPTIONS["module"])
    try:
        redirection = clock_imports.redirect(OPTIONS["library"])
    except clock_imports.Unavailable as error:
        return {"redirected": False, "why": str(error)}
    return {"redirected": True, "slots": [symbol for symbol, _, _ in redirection.slots]}


def scenario_duckdb_now() -> dict[str, Any]:
    """duckdb's SQL now(), before and after its object's clock imports are redirected."""
    import duckdb

    from libfaketimefs_botocore import clock_imports

    def sql_year() -> int:
        (row,) = duckdb.sql("SELECT year(now())").fetchall()
        return int(row[0])

    before = sql_year()
    clock_imports.redirect("_duckdb")
    return {
        "before": before,
        "after": sql_year(),
        "program": datetime.datetime.now().year,
    }


if __name__ == "__main__":
    print(json.dumps(globals()["scenario_" + sys.argv[1].replace("-", "_")]()))
