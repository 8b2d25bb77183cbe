"""The clock-read audit: on the installed releases, on the AWS CLIs, and on code written to fool it.

The first test runs in every matrix session, so each botocore era the
matrix installs (and aiobotocore where it does) is read: the day a release
adds a read that no wrap point reaches, the newest session fails here and
names the file, the line, the enclosing function and the call.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import botocore.auth
import pytest

from libfaketimefs_botocore import integrations
from libfaketimefs_botocore.audit import (
    ON_PURPOSE,
    REACHED,
    THROUGH_USES,
    UNKNOWN,
    Audit,
    Finding,
    audit,
    installed,
    on_purpose,
)
from libfaketimefs_botocore.audit.report import render, verdict
from libfaketimefs_botocore.audit.scan import AT_IMPORT, DURATION, REFERENCE, Package
from tests.harness import aws_clis
from tests.harness.faketime import clean_environment

# What a matrix session's pins change: run there too (see noxfile.py).
pytestmark = pytest.mark.pins


def _unknown(audits: list[Audit]) -> str:
    return "\n".join(
        f"{f.read.where} in {f.read.function}: {f.read.source}: {f.why}"
        for a in audits
        for f in a.unknown
    )


def _found(found: Audit, module: str, function: str) -> list[Finding]:
    return [f for f in found.findings if f.read.module == module and f.read.function == function]


def test_every_clock_read_of_the_installed_releases_is_known() -> None:
    audits = installed()
    assert audits, "no botocore found"
    assert not _unknown(audits), _unknown(audits)
    assert verdict(audits) is None
    (botocore_audit,) = [
        a for a in audits if "botocore" in a.versions and "awscli" not in a.versions
    ]
    # The reads every release has: the audit found them, and proved them reached.
    sigv4 = _found(botocore_audit, "botocore.auth", "SigV4Auth.add_auth")
    assert [f.status for f in sigv4] == [REACHED]
    assert "SigV4" in sigv4[0].why
    local_now = _found(botocore_audit, "botocore.credentials", "_local_now")
    assert [f.status for f in local_now] == [REACHED]
    defaults = _found(
        botocore_audit, "botocore.credentials", "RefreshableCredentials.__init__ (default argument)"
    )
    assert [(f.status, f.read.use) for f in defaults] == [(REACHED, AT_IMPORT)]
    ttl = _found(botocore_audit, "botocore.endpoint", "Endpoint._calculate_ttl")
    assert [f.status for f in ttl] == [ON_PURPOSE]


@pytest.mark.parametrize("missing", ["get_current_datetime", "datetime"])
def test_a_read_whose_wrap_point_is_gone_is_unknown(
    monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    """The proof comes from the tables: take botocore.auth's signing point away."""
    kept = tuple(
        p
        for p in integrations.WRAP_POINTS
        if not (p.module == "botocore.auth" and p.name == missing)
    )
    monkeypatch.setattr(integrations, "WRAP_POINTS", kept)
    audits = installed()
    unknown = [f for a in audits for f in a.unknown if f.read.module == "botocore.auth"]
    era_binds_it = hasattr(botocore.auth, "get_current_datetime")
    if era_binds_it == (missing == "get_current_datetime"):
        assert {f.read.function for f in unknown} >= {
            "SigV4Auth.add_auth",
            "S3SigV4PostAuth.add_auth",
        }
        assert all(f.read.path.endswith("auth.py") and f.read.line > 0 for f in unknown)
    else:  # the other era's point: nothing of this release depended on it
        assert unknown == []


def _package(root: Path, name: str, files: dict[str, str]) -> Package:
    for relative, text in {"__init__.py": "", **files}.items():
        path = root / name / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.parent / "__init__.py").touch()
        path.write_text(textwrap.dedent(text))
    return Package(name, root / name)


def _audit(tmp_path: Path, files: dict[str, str], name: str = "botocore") -> Audit:
    return audit("test", [_package(tmp_path, name, files)])


def _reads(found: Audit) -> dict[tuple[str, int], tuple[str, str, str]]:
    return {
        (Path(f.read.path).name, f.read.line): (f.read.call, f.read.use, f.status)
        for f in found.findings
    }


def test_every_way_of_naming_a_clock(tmp_path: Path) -> None:
    found = _audit(
        tmp_path,
        {
            "reads.py": """\
            import datetime as dt
            import time
            from datetime import datetime
            from email.utils import formatdate
            from time import time as now_seconds
            import email.utils

            def a():
                return dt.datetime.utcnow()          # line 9
            def b():
                return datetime.now()                # 11
            def c():
                return now_seconds()                 # 13
            def d(fetch=time.time):                  # 14: taken at import
                return fetch()
            def e():
                return formatdate(usegmt=True)       # 17
            def f():
                return email.utils.formatdate(5)     # 19: formats a time: no read
            def g():
                return time.gmtime(5), time.gmtime() # 21: only the second
            def h():
                import time as clock
                return clock.time_ns()               # 24: a local import
            def i(time):
                return time.time()                   # 26: a parameter: not the module
            def j():
                return time.monotonic()              # 28: a duration
            def k():
                later = time.time                    # 30: looked up when it runs
                return later
            lam = lambda: datetime.today()           # 32
            """,
        },
    )
    reads = _reads(found)
    assert reads == {
        ("reads.py", 9): ("datetime.datetime.utcnow", "call", UNKNOWN),
        ("reads.py", 11): ("datetime.datetime.now", "call", UNKNOWN),
        ("reads.py", 13): ("time.time", "call", UNKNOWN),
        ("reads.py", 14): ("time.time", AT_IMPORT, UNKNOWN),
        ("reads.py", 17): ("email.utils.formatdate", "call", UNKNOWN),
        ("reads.py", 21): ("time.gmtime", "call", UNKNOWN),
        ("reads.py", 24): ("time.time_ns", "call", UNKNOWN),
        ("reads.py", 30): ("time.time", REFERENCE, UNKNOWN),
        ("reads.py", 32): ("datetime.datetime.today", "call", UNKNOWN),
    }
    assert [(d.call, d.line) for d in found.durations] == [("time.monotonic", 28)]
    assert all(d.kind == DURATION for d in found.durations)
    local = next(f for f in found.findings if f.read.line == 24)
    assert local.read.binding is None
    assert "local import" in local.why
    assert next(f for f in found.findings if f.read.line == 14).read.function == (
        "d (default argument)"
    )


def test_helpers_and_re_exports_are_followed(tmp_path: Path) -> None:
    found = _audit(
        tmp_path,
        {
            "compat.py": """\
            import datetime

            def get_current_datetime(remove_tzinfo=True):
                return datetime.datetime.now(datetime.timezone.utc)
            """,
            "shim.py": "from botocore.compat import get_current_datetime as moment\n",
            "user.py": """\
            from botocore import compat
            from botocore.shim import moment

            class Signer:
                def sign(self):
                    return compat.get_current_datetime()

                def sign_again(self):
                    return moment()
            """,
        },
    )
    reads = {(f.read.module, f.read.function): (f.read.call, f.status) for f in found.findings}
    helper = "botocore.compat.get_current_datetime"
    assert reads == {
        ("botocore.compat", "get_current_datetime"): ("datetime.datetime.now", THROUGH_USES),
        ("botocore.user", "Signer.sign"): (helper, UNKNOWN),
        ("botocore.user", "Signer.sign_again"): (helper, UNKNOWN),
    }


def test_a_new_read_in_a_wrapped_module_is_unknown_with_its_place(tmp_path: Path) -> None:
    """botocore.auth's time stand-in answers time() and gmtime(), not a new time_ns()."""
    found = _audit(
        tmp_path,
        {
            "auth.py": """\
            import time
            from botocore.compat import get_current_datetime

            class SigV4Auth:
                def add_auth(self, request):
                    return get_current_datetime()

            class NewAuth:
                def add_auth(self, request):
                    return time.time_ns()
            """,
            "compat.py": "def get_current_datetime():\n    pass\n",
        },
    )
    statuses = {f.read.function: f.status for f in found.findings}
    assert statuses == {"SigV4Auth.add_auth": REACHED, "NewAuth.add_auth": UNKNOWN}
    message = verdict([found])
    assert message is not None
    assert "botocore/auth.py:10" in message
    text = render([found])
    assert "UNKNOWN:\n    botocore/auth.py:10 in NewAuth.add_auth: time.time_ns()" in text
    assert "no wrap point of botocore.auth answers time.time_ns()" in text


def test_an_inline_era_module_is_reached_through_its_datetime(tmp_path: Path) -> None:
    found = _audit(
        tmp_path,
        {
            "auth.py": """\
            import datetime

            class SigV4Auth:
                def add_auth(self, request):
                    return datetime.datetime.utcnow()
            """,
        },
    )
    (finding,) = found.findings
    assert finding.status == REACHED
    assert "botocore.auth.datetime" in finding.why


def test_on_purpose_entries_match_module_function_and_call() -> None:
    assert on_purpose.find("botocore.endpoint", "Endpoint._set_ttl", "datetime.datetime.utcnow")
    assert not on_purpose.find("botocore.endpoint", "Endpoint.send", "datetime.datetime.utcnow")
    assert not on_purpose.find("botocore.endpoint", "Endpoint._set_ttl", "time.time")
    assert on_purpose.find("awscli.customizations.ecs.anything", "f", "time.time")
    assert all(entry.reason for entry in on_purpose.ON_PURPOSE)


def test_a_file_that_does_not_parse_fails_the_audit(tmp_path: Path) -> None:
    found = _audit(tmp_path, {"broken.py": "def f(:\n    return time.time()\n"})
    message = verdict([found])
    assert message is not None
    assert "botocore/broken.py" in message


def _check_audit(path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**clean_environment(), "PYTHONPATH": str(path)}
    return subprocess.run(
        [sys.executable, "-m", "libfaketimefs_botocore", "check", "--audit", *extra],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_audit_passes_here_and_fails_on_an_unknown_read(tmp_path: Path) -> None:
    clean = _check_audit(tmp_path)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "audit of this Python's AWS libraries: botocore " in clean.stdout
    assert " 0 unknown, " in clean.stdout

    # A package the audit reads, with a read no wrap point reaches.
    _package(
        tmp_path,
        "awscli",
        {
            "customizations/sign.py": """\
            import datetime

            def sign():
                return datetime.datetime.utcnow()
            """
        },
    )
    failed = _check_audit(tmp_path)
    assert failed.returncode == 1, failed.stdout
    assert "awscli/customizations/sign.py:4 in sign: datetime.datetime.utcnow()" in failed.stdout
    last = failed.stderr.strip().splitlines()[-1]
    assert last == ("FAILED: 1 clock read(s) reach no wrap point: awscli/customizations/sign.py:4")
    assert "signs a request or judges an expiry" in failed.stderr

    as_json = _check_audit(tmp_path, "--json")
    assert as_json.returncode == 1
    report = json.loads(as_json.stdout)
    assert report["ok"] is False
    assert "awscli/customizations/sign.py:4" in report["audit"]["error"]
    (unknown,) = [
        f
        for installation in report["audit"]["installations"]
        for f in installation["findings"]
        if f["status"] == UNKNOWN
    ]
    assert unknown["function"] == "sign"
    assert unknown["line"] == 4
    assert unknown["call"] == "datetime.datetime.utcnow"
    assert unknown["file"].endswith("awscli/customizations/sign.py")


# Where a venv's Python finds packages beyond its standard library: the AWS CLI
# may lie in a folder that a .pth adds (the Makefile's cached install).
_PACKAGE_PATH = (
    "import sys; print('\\n'.join(p for p in sys.path if p and not p.startswith(sys.base_prefix)))"
)


def _site_packages(venv: Path) -> list[str]:
    found = aws_clis.run_checked([str(venv / "bin" / "python3"), "-I", "-c", _PACKAGE_PATH])
    return found.splitlines()


@pytest.mark.aws_cli
@pytest.mark.parametrize("which", ["v1", "v2 source", "v2 frozen, from its source"])
def test_every_clock_read_of_the_aws_clis_is_known(which: str) -> None:
    if which == "v1":
        path = _site_packages(aws_clis.make(aws_clis.V1).parents[1])
    elif which == "v2 source":
        aws_clis.make(aws_clis.V2_SOURCE_WITH_PACKAGE, aws_clis.V2_SOURCE)
        path = _site_packages(aws_clis.V2_SOURCE.parents[1])
    else:
        # The frozen binary holds compiled code only: its source is the tree it was built from.
        aws_clis.make(aws_clis.V2_EXE)
        path = [str(next(aws_clis.TOOLS.glob("awscli-2.*/awscli")).parent)]
    audits = installed(path)
    (cli,) = [a for a in audits if "awscli" in a.versions]
    assert set(cli.versions) == {"awscli", "botocore", "s3transfer"}
    assert not _unknown(audits), _unknown(audits)
    codecommit = [f for f in cli.findings if f.read.module == "awscli.customizations.codecommit"]
    assert codecommit
    assert {f.status for f in codecommit} == {REACHED}


def test_a_package_inside_a_namespace_that_is_not_installed_is_passed_over(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # snowflake.connector, where no snowflake is: find_spec raises for the parent.
    import libfaketimefs_botocore.audit as audit

    monkeypatch.setattr(audit, "PACKAGES", (*audit.PACKAGES, "no_such_namespace_here.connector"))
    assert "no_such_namespace_here.connector" not in audit._package_roots(None)


def test_every_native_object_of_the_installed_releases_is_reached() -> None:
    from libfaketimefs_botocore.audit import native

    found = native.findings()
    assert native.verdict(found) is None, native.render(found)


def test_a_native_object_that_nothing_redirects_fails_the_audit(tmp_path: Path) -> None:
    """An object that imports clock_gettime in a package no native integration names (here
    a folder standing for botocore's) is unknown; the same object in obstore's is reached."""
    from libfaketimefs_botocore.audit import native
    from tests.harness.native_objects import build

    build(tmp_path / "pkg", "clockuser")
    place = (str(tmp_path / "pkg"),)
    found = native.findings({"botocore": place})
    assert [(f.symbol, f.status) for f in found] == [("clock_gettime", native.UNKNOWN)]
    verdict = native.verdict(found)
    assert verdict is not None
    assert "clockuser.so (clock_gettime)" in verdict
    reached = native.findings({"obstore": place})
    assert [(f.symbol, f.status) for f in reached] == [("clock_gettime", native.REACHED)]
    assert native.verdict(reached) is None
