"""duckdb's httpfs under libfaketime: the extension reached however it is loaded.

``_duckdb`` loads ``httpfs.duckdb_extension`` with ``dlopen`` from native
code (``LOAD httpfs``, a secret's or a setting's autoload, ``INSTALL`` from a
file) and signs in the same statement; the library hooks that ``dlopen`` and
redirects the extension's clock (its C clock, libstdc++'s ``system_clock``,
its timed waits) before it returns. SQL's ``now()`` keeps the program's
fake year. The extension is the ``duckdb-ext-httpfs`` package's, for duckdb
1.4.4 (the nox session ``duckdb-httpfs``): duckdb's own repository is not
reachable here.
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path
from typing import Any

import pytest

from tests.harness.faketime import NATIVE_CLIENT, Libfaketime, run_client
from tests.harness.seaweedfs import SeaweedFS

pytestmark = pytest.mark.timeout(300)
AUTOPATCH = {"LIBFAKETIMEFS_BOTOCORE_AUTOPATCH": "1"}


def _extensions() -> Path:
    spec = importlib.util.find_spec("duckdb_ext")
    if (
        importlib.util.find_spec("duckdb") is None
        or spec is None
        or not spec.submodule_search_locations
    ):
        pytest.skip(
            "duckdb with duckdb-ext-httpfs is not installed (the nox session duckdb-httpfs)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "extensions"


def _run(
    seaweedfs: SeaweedFS,
    bucket: str,
    days: int,
    how: str,
    env: dict[str, str] | None,
    directory: Path,
    scratch: Path,
    secrets: Path | None = None,
) -> dict[str, Any]:
    file = next(_extensions().glob("*/*/httpfs.duckdb_extension"))
    return run_client(
        "s3",
        Libfaketime(f"{days:+d}d"),
        {
            "package": "duckdb",
            "how": how,
            "extension_directory": str(directory),
            "extension_file": str(file),
            "scratch": str(scratch),
            **({} if secrets is None else {"secret_directory": str(secrets)}),
            **seaweedfs.client_options(),
            "bucket": bucket,
        },
        extra_env=env,
        program=NATIVE_CLIENT,
        timeout=180,
    )


@pytest.mark.parametrize("days", [400, -400], ids=["+400d", "-400d"])
@pytest.mark.parametrize("how", ["load", "secret", "settings", "install-file"])
def test_httpfs_reads_and_writes_however_it_is_loaded(
    seaweedfs: SeaweedFS, bucket: str, tmp_path: Path, how: str, days: int
) -> None:
    directory = _extensions() if how != "install-file" else tmp_path / "extensions"
    seaweedfs.create_bucket(bucket)
    result = _run(seaweedfs, bucket, days, how, AUTOPATCH, directory, tmp_path)
    steps = result["results"]
    assert all(step["ok"] for step in steps.values()), steps
    assert steps["read"]["answer"] == [42]
    (year,) = steps["sql_year"]["answer"]
    assert year != time.gmtime().tm_year  # SQL's clock stays the program's
    statuses = result["statuses"]
    assert statuses.get("httpfs.duckdb_extension", "").startswith("redirected"), statuses


@pytest.mark.parametrize("days", [400, -400], ids=["+400d", "-400d"])
def test_httpfs_autoloaded_inside_the_query_that_reads_s3(
    seaweedfs: SeaweedFS, bucket: str, tmp_path: Path, days: int
) -> None:
    """A persistent secret, made by an earlier process: the COPY to s3:// itself autoloads
    httpfs, and signs in that same statement."""
    seaweedfs.create_bucket(bucket)
    secrets = tmp_path / "secrets"
    made = _run(seaweedfs, bucket, 0, "persist", None, _extensions(), tmp_path, secrets)
    assert made["results"]["bring_in"]["ok"], made
    result = _run(seaweedfs, bucket, days, "query", AUTOPATCH, _extensions(), tmp_path, secrets)
    steps = result["results"]
    assert steps["bring_in"]["answer"] == [0]  # not loaded before the COPY
    assert all(step["ok"] for step in steps.values()), steps
    assert steps["read"]["answer"] == [42]
    assert result["statuses"].get("httpfs.duckdb_extension", "").startswith("redirected")


def test_refused_without_the_library(seaweedfs: SeaweedFS, bucket: str, tmp_path: Path) -> None:
    seaweedfs.create_bucket(bucket)
    result = _run(seaweedfs, bucket, 400, "load", None, _extensions(), tmp_path)
    steps = result["results"]
    assert not steps["copy"]["ok"]
    assert "403" in steps["copy"]["code"], steps
