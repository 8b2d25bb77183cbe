"""The version matrix: botocore's eras, with and without awscrt, and aiobotocore; the oldest
releases of the signers that are not botocore.

Run with ``make test-matrix`` (which puts pyenv's interpreters on PATH).
"""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "uv"
nox.options.error_on_missing_interpreters = True
nox.options.reuse_venv = "yes"

TEST_REQUIREMENTS = nox.project.dependency_groups(nox.project.load_toml("pyproject.toml"), "test")

# (name, python, pins): each botocore on a Python it supports.
MATRIX = [
    # The oldest supported botocore and wrapt: inline datetime.utcnow() era.
    ("oldest", "3.9", ["botocore==1.29.0", "wrapt==1.14.0"]),
    # The last release before get_current_datetime(), with the CRT signers.
    ("inline-era-crt", "3.9", ["botocore[crt]==1.40.1"]),
    # The first release with get_current_datetime(), pure-Python signers
    # (on 3.11: make test runs on 3.10).
    ("named-era", "3.11", ["botocore==1.40.2"]),
    # The newest botocore, with and without the CRT signers.
    ("newest", "3.13", ["botocore"]),
    ("newest-crt", "3.13", ["botocore[crt]"]),
    # aiobotocore: an inline-era release and the newest, with awscrt.
    ("aiobotocore-2.5", "3.9", ["aiobotocore==2.5.0"]),
    ("aiobotocore-newest-crt", "3.12", ["aiobotocore", "awscrt"]),
]


VERSIONS = (
    "import botocore, wrapt; print('botocore', botocore.__version__, 'wrapt', wrapt.__version__)"
)


@nox.session(python=False, default=False)
def matrix(session: nox.Session) -> None:
    """List the matrix."""
    for name, python, pins in MATRIX:
        session.log(f"{name}: Python {python}, {' '.join(pins)}")


def _tests(session: nox.Session, pins: list[str]) -> None:
    session.install(".", *TEST_REQUIREMENTS, *pins)
    session.run("python", "-c", VERSIONS)
    # Only what the pins change (the tests marked `pins`): `make test` runs the
    # rest, and the AWS CLIs run their own botocore, whatever the session pins.
    session.run("python", "-m", "pytest", "-m", "pins and not aws_cli", "-n", "4", *session.posargs)


# AWS's smithy-python SDKs and their signers need Python 3.12: a session of
# their own, with the tests they change (marked `smithy`), the integrations'
# contract and the audit with them installed. The rest of the pins run on
# 3.12 in aiobotocore-newest-crt. Here too amazon-transcribe, which pins
# awscrt to 0.26 (older than botocore's login DPoP needs), so not in the dev
# environment.
SMITHY = ["aws-sdk-signers", "aws-sdk-bedrock-runtime", "amazon-transcribe", "awscrt", "botocore"]


@nox.session(python="3.12")
def smithy(session: nox.Session) -> None:
    session.install(".", *TEST_REQUIREMENTS, *SMITHY)
    session.run("python", "-c", VERSIONS)
    session.run(
        "python",
        "-m",
        "pytest",
        "-m",
        "(pins or smithy) and not aws_cli",
        "-n",
        "4",
        "tests/end_to_end/test_smithy_signers.py",
        "tests/integrations",
        "tests/unit/test_audit.py",
        *session.posargs,
    )


# The second round's signers and HTTPS stacks at their oldest supported
# releases (make test has the newest), with their tests, the integrations'
# contract and the audit. On 3.10: boto 2 does not import on 3.12 and later.
SIGNERS_OLDEST = [
    "minio==7.2.1",
    "boto==2.48.0",
    "s3cmd==2.3.0",
    "aioaws==0.14",
    "kafka-python==2.1.0",
    "snowflake-connector-python==4.0.0",
    "truststore==0.9.1",
    "pyopenssl==23.2.0",
    "requests-aws4auth",
]
SIGNERS_TESTS = [
    *(
        f"tests/end_to_end/test_{name}.py"
        for name in ("minio", "boto2", "s3cmd", "aioaws", "kafka_msk", "snowflake_stage")
    ),
    "tests/end_to_end/test_tls_stacks.py",
    "tests/unit/test_tls_stacks.py",
    "tests/integrations/test_integrations.py",
    "tests/unit/test_audit.py::test_every_clock_read_of_the_installed_releases_is_known",
]


def _releases_tests(session: nox.Session, pins: list[str], tests: list[str]) -> None:
    """``tests`` with ``pins`` installed, the releases they resolved to printed first."""
    session.install(".", *TEST_REQUIREMENTS, *pins)
    session.run("uv", "pip", "freeze", "--python", "python", external=True)
    session.run("python", "-m", "pytest", "-n", "4", *tests, *session.posargs)


@nox.session(name="signers-oldest", python="3.10")
def signers_oldest(session: nox.Session) -> None:
    _releases_tests(session, SIGNERS_OLDEST, SIGNERS_TESTS)


# The native clients' newest releases, which Python 3.11 and later get (the
# dev environment's 3.10 resolves pyarrow 25, polars 2.0, obstore 0.11):
# pyarrow 26 moved its S3 code into libarrow_s3, loaded with pyarrow.fs.
NATIVE_NEWEST = [
    "pyarrow==26.0.1",
    "polars==2.1.0",
    "obstore==0.12.1",
    # 5.x signs in its Rust core (sf_core_python); 4.x, in Python, is the dev environment's.
    "snowflake-connector-python==5.2.0",
]
NATIVE_TESTS = [
    "tests/end_to_end/test_native_clients.py",
    "tests/end_to_end/test_native_imports.py",
    "tests/end_to_end/test_native_safety.py",
    "tests/unit/test_native_elf.py",
    "tests/unit/test_audit.py::test_every_native_object_of_the_installed_releases_is_reached",
]


@nox.session(name="native-newest", python="3.12")
def native_newest(session: nox.Session) -> None:
    _releases_tests(session, NATIVE_NEWEST, NATIVE_TESTS)


# duckdb's httpfs extension, from the duckdb-ext-httpfs package (duckdb's own
# repository is not reachable here): duckdb 1.4.4, the release it carries.
DUCKDB_HTTPFS = ["duckdb==1.4.4", "duckdb-ext-httpfs==1.4.4.20260205"]


@nox.session(name="duckdb-httpfs", python="3.12")
def duckdb_httpfs(session: nox.Session) -> None:
    _releases_tests(
        session,
        DUCKDB_HTTPFS,
        [
            "tests/end_to_end/test_duckdb_httpfs.py",
            "tests/unit/test_audit.py::test_every_native_object_of_the_installed_releases_is_reached",
        ],
    )


# The engines whose workers sign (issue 46): dask distributed with s3fs, Ray, Celery and loky,
# each run for real against SeaweedFS under libfaketime (tests/engines; the process pools run in
# make test too). Their newest releases, pinned when this was written.
ENGINES = [
    "dask[distributed,dataframe]==2026.11.0",
    "s3fs==2026.9.0",
    "ray==2.60.0",
    "celery==5.7.0",
    "joblib==1.6.0",
]


@nox.session(python="3.12")
def engines(session: nox.Session) -> None:
    _releases_tests(session, ENGINES, ["tests/engines"])


# botocore's own tests, from its sdist, with this package in place
# (tests/botocore_suite/run.py): the oldest supported botocore's tests/unit,
# and the newest's tests/unit and tests/functional where it signs (all of it
# with `-- full`: make botocore-suite-full).
SUITE_REQUIREMENTS = ["pip", "pytest", "pytest-xdist", "jsonschema"]


@nox.session(name="botocore-suite-oldest", python="3.9", default=False)
def botocore_suite_oldest(session: nox.Session) -> None:
    session.install(".", *SUITE_REQUIREMENTS, "botocore==1.29.0")
    session.run("python", "tests/botocore_suite/run.py", "unit")


@nox.session(name="botocore-suite-newest", python="3.13", default=False)
def botocore_suite_newest(session: nox.Session) -> None:
    session.install(".", *SUITE_REQUIREMENTS, "botocore")
    session.run("python", "tests/botocore_suite/run.py", "unit")
    full = ["--full"] if "full" in session.posargs else []
    session.run("python", "tests/botocore_suite/run.py", "functional", *full)


for _name, _python, _pins in MATRIX:
    nox.session(name=f"tests-{_name}", python=_python)(
        lambda session, pins=_pins: _tests(session, pins)
    )
