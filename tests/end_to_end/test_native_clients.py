"""The native S3 clients under libfaketime: their shared objects' clock imports redirected.

obstore and polars sign in Rust (object_store, rustls), pyarrow in the AWS
C++ SDK with its own curl and OpenSSL; libfaketime fakes their C clock. With
the library on for good (here the autopatch variable, in an unmodified
program), each one's imports of ``clock_gettime``/``time``/``gettimeofday``
are pointed at the C library's own: accepted by SeaweedFS on HTTP and HTTPS
a year ahead and behind, while the program keeps its fake time. freezegun
and time-machine do not reach native code, so nothing changes there.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import shutil
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.harness.endpoint import Endpoint
from tests.harness.faketime import DAY, NATIVE_CLIENT, Libfaketime, Mount, run_client
from tests.harness.seaweedfs import SeaweedFS
from tests.harness.unfaked_http import send

pytestmark = pytest.mark.timeout(300)

AUTOPATCH = {"LIBFAKETIMEFS_BOTOCORE_AUTOPATCH": "1"}
# Another release of a native client, for an upgrade in place (make tools downloads it).
UPGRADE_WHEELS = Path(__file__).resolve().parents[2] / ".tools" / "upgrade-wheels"
STEPS = {
    "obstore": ["put", "get", "list", "presigned_get"],
    "polars": ["write_parquet", "read_parquet", "scan_parquet"],
    "pyarrow": ["write_table", "read_table"],
}
LIBRARY = {"obstore": "_obstore", "polars": "_polars_runtime", "pyarrow": "libarrow.so"}


def _needs(package: str) -> None:
    if importlib.util.find_spec(package) is None:
        pytest.skip(f"{package} is not installed (the native group)")


def _run(
    scenario: str,
    seaweedfs: SeaweedFS,
    bucket: str,
    days: int,
    env: dict[str, str] | None = None,
    https: bool = False,
    **options: Any,
) -> dict[str, Any]:
    return run_client(
        scenario,
        Libfaketime(f"{days:+d}d"),
        {**seaweedfs.client_options(https), "bucket": bucket, **options},
        extra_env=env,
        program=NATIVE_CLIENT,
        timeout=180,
    )


def _redirected(statuses: dict[str, str], package: str) -> None:
    """The package's main object redirected, and every other object of it it looked at too."""
    assert any(name.startswith(LIBRARY[package]) for name in statuses), statuses
    assert set(statuses.values()) == {"redirected"}, statuses


def _accepted(result: dict[str, Any], package: str) -> None:
    assert list(result) == STEPS[package], result
    assert all(outcome["ok"] for outcome in result.values()), result


@pytest.mark.parametrize(
    ("days", "https"),
    [(400, False), (400, True), (-400, True)],
    ids=["+400d", "+400d-https", "-400d-https"],
)
@pytest.mark.parametrize("package", list(STEPS))
def test_accepted_with_the_autopatch_variable(
    seaweedfs: SeaweedFS, bucket: str, package: str, days: int, https: bool
) -> None:
    _needs(package)
    seaweedfs.create_bucket(bucket)
    result = _run("s3", seaweedfs, bucket, days, AUTOPATCH, https, package=package)
    _accepted(result["results"], package)
    _redirected(result["statuses"], package)
    # The program's own clock stays fake.
    assert abs(result["fake"] - time.time() - days * DAY) < 2 * DAY
    if package == "obstore":
        url = result["results"]["presigned_get"]["answer"]
        assert send(url, cafile=seaweedfs.ca_bundle if https else None) == (200, b"obstore")


@pytest.mark.parametrize(
    ("package", "https", "words"),
    [
        ("obstore", False, "403"),
        ("polars", False, "403"),
        ("pyarrow", False, "REQUEST_TIME_TOO_SKEWED"),
        ("pyarrow", True, "curlCode: 60"),
    ],
)
def test_refused_without_the_library(
    seaweedfs: SeaweedFS, bucket: str, package: str, https: bool, words: str
) -> None:
    _needs(package)
    seaweedfs.create_bucket(bucket)
    result = _run("s3", seaweedfs, bucket, 400, None, https, package=package)
    (first,) = result["results"].values()
    assert not first["ok"]
    assert words in first["code"], first
    assert result["statuses"] == {}


def test_a_client_left_out_keeps_the_fake_clock(seaweedfs: SeaweedFS, bucket: str) -> None:
    _needs("polars")
    seaweedfs.create_bucket(bucket)
    env = {**AUTOPATCH, "LIBFAKETIMEFS_BOTOCORE_NATIVE_EXCLUDE": "polars"}
    result = _run("s3", seaweedfs, bucket, 400, env, package="polars")
    assert not result["results"]["write_parquet"]["ok"]
    assert result["statuses"] == {"polars": "left out (LIBFAKETIMEFS_BOTOCORE_NATIVE_EXCLUDE)"}


def test_a_fork_after_the_redirection_keeps_it(seaweedfs: SeaweedFS, bucket: str) -> None:
    _needs("obstore")
    seaweedfs.create_bucket(bucket)
    result = _run("fork", seaweedfs, bucket, 400, AUTOPATCH, package="obstore")
    _accepted(result["results"], "obstore")


def test_restored_libfaketime_answers_again(seaweedfs: SeaweedFS, bucket: str) -> None:
    _needs("obstore")
    seaweedfs.create_bucket(bucket)
    result = _run(
        "restore", seaweedfs, bucket, 400, AUTOPATCH, package="obstore", library="_obstore"
    )
    _accepted(result["redirected"], "obstore")
    assert result["restored"] is True
    assert not result["after"]["put"]["ok"]
    assert "403" in result["after"]["put"]["code"]


def test_obstore_upgraded_in_place_is_redirected_from_its_image(
    seaweedfs: SeaweedFS, bucket: str, tmp_path: Path
) -> None:
    """obstore 0.12.1's object renamed over a loaded 0.11.1's before the library is turned on:
    0.7.0 wrote 0.12.1's offsets at 0.11.1's address (into another extension's page, or a
    SIGSEGV) and left obstore on the fake clock; its image is read now."""
    _needs("obstore")
    wheels = sorted(UPGRADE_WHEELS.glob("obstore-*.whl"))
    if not wheels:
        pytest.skip("no other obstore release's wheel: make tools downloads it")
    installed = Path(importlib.util.find_spec("obstore").origin or "").parent  # type: ignore[union-attr]
    shutil.copytree(installed, tmp_path / "site" / "obstore")
    with zipfile.ZipFile(wheels[0]) as wheel:
        (name,) = [n for n in wheel.namelist() if n.startswith("obstore/_obstore") and ".so" in n]
        (tmp_path / "other.so").write_bytes(wheel.read(name))
    seaweedfs.create_bucket(bucket)
    result = _run(
        "upgraded",
        seaweedfs,
        bucket,
        400,
        None,
        package="obstore",
        site=str(tmp_path / "site"),
        replace_with=str(tmp_path / "other.so"),
    )
    assert result["from"].startswith(str(tmp_path)), result
    _accepted(result["results"], "obstore")
    _redirected(result["statuses"], "obstore")


def test_an_object_without_the_relocations_is_left_alone_and_reported(
    seaweedfs: SeaweedFS,
) -> None:
    import _json

    if not getattr(_json, "__file__", None):
        pytest.skip("_json is built into this Python")
    result = _run("redirect", seaweedfs, "b", 400, None, module="_json", library="_json")
    assert result["redirected"] is False
    assert "imports none of clock_gettime, time, gettimeofday, nor a timed wait" in result["why"]


def test_an_object_not_loaded_is_reported(seaweedfs: SeaweedFS) -> None:
    result = _run("redirect", seaweedfs, "b", 400, None, module="json", library="_no_such_object")
    assert result == {"redirected": False, "why": "_no_such_object is not loaded"}


# awscrt and duckdb: measured, and decided.


def test_inside_realtime_signing_alone_the_crt_keeps_the_fake_clock(
    faked: Mount, endpoint: Endpoint
) -> None:
    """Why boto3's and the AWS CLI's CRT transfers are still steered: the redirection holds
    only for good (tests/end_to_end/test_transfer.py has the CRT signing right then)."""
    _needs("awscrt")
    faked.jump(400 * DAY)
    result = run_client("s3transfer-crt", faked, {"endpoint": endpoint.url, "patch": "context"})
    if not endpoint.state.verdicts and "SOCKET" in result["upload"]["code"]:
        pytest.skip(f"this awscrt cannot reach a local endpoint: {result['upload']['code']}")
    assert not result["upload"]["ok"]
    assert {verdict.code for verdict in endpoint.state.verdicts} == {"RequestTimeTooSkewed"}


def test_duckdb_keeps_the_programs_clock_in_sql(seaweedfs: SeaweedFS) -> None:
    """duckdb's own object is not redirected, only what it loads (its httpfs extension,
    tests/end_to_end/test_duckdb_httpfs.py): SQL's now() keeps the program's fake year."""
    _needs("duckdb")
    result = _run("duckdb-now", seaweedfs, "b", 400, AUTOPATCH)
    assert result["program"] != time.gmtime().tm_year
    assert result["sql"] == result["program"]
    (name,) = result["statuses"]
    assert name.startswith("_duckdb")
    assert "dlopen hooked" in result["statuses"][name]


@pytest.mark.skipif(sys.platform != "linux", reason="glibc on Linux")
def test_check_names_each_native_client_and_how() -> None:
    from tests.harness.faketime import run_faked

    done = run_faked(
        [sys.executable, "-m", "libfaketimefs_botocore", "check"], Libfaketime("+400d"), timeout=120
    )
    lines = done.stdout.splitlines()
    start = lines.index("native clients (their clock imports pointed at the C library's own):")
    shown = {line.split(":")[0].strip() for line in lines[start + 1 :] if line.startswith("  ")}
    installed = {p for p in (*STEPS, "awscrt", "duckdb") if importlib.util.find_spec(p) is not None}
    assert installed <= shown, lines[start:]


def test_snowflake_5_core_is_reached() -> None:
    """snowflake-connector-python 5.x signs its stage transfers in Rust (sf_core_python), which
    imports the C clock: reached by scan, as obstore is. Its transfers are driven by a Snowflake
    session's proto messages, so only the redirection is checked here, not a signature."""
    try:
        version = importlib.metadata.version("snowflake-connector-python")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("snowflake-connector-python is not installed")
    if int(version.split(".")[0]) < 5:
        pytest.skip(f"snowflake-connector-python {version}: 4.x signs in Python")
    result = run_client(
        "loaded",
        Libfaketime("+400d"),
        {"module": "snowflake.connector"},
        extra_env=AUTOPATCH,
        program=NATIVE_CLIENT,
    )
    (core,) = [name for name in result["statuses"] if name.startswith("sf_core_python")]
    assert result["statuses"][core] == "redirected"
    assert {"clock_gettime", "nanosleep", "epoll_wait", "poll"} <= set(result["symbols"][core])


def test_polars_idle_after_work_does_not_spin(seaweedfs: SeaweedFS, bucket: str) -> None:
    """One clock per object: with its clock reads alone redirected, polars' jemalloc threads
    computed real deadlines that libfaketime's pthread_cond_timedwait shifted by the offset,
    timed out at once and spun (1.37 s of CPU in 4 idle seconds at +400 days); its timed waits
    are redirected with its clock."""
    _needs("polars")
    seaweedfs.create_bucket(bucket)
    result = _run("idle", seaweedfs, bucket, 400, AUTOPATCH, package="polars")
    _accepted(result["results"], "polars")
    assert result["idle_cpu"] < 0.3, result
