"""`libfaketimefs-botocore check`, the autopatch start-up hook, and the real AWS CLI."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.harness.endpoint import ACCESS_KEY, SECRET_KEY, Endpoint
from tests.harness.faketime import DAY, ROOT, Libfaketime, Mount, clean_environment, run_faked

AWS = Path(os.environ.get("LIBFAKETIMEFS_AWSCLI", ROOT / ".tools" / "awscli" / "bin" / "aws"))
CHECK = [sys.executable, "-m", "libfaketimefs_botocore", "check"]


def run_check(env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CHECK, *extra], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_check_a_good_setup_under_libfaketime(faked: Mount) -> None:
    faked.jump(400 * DAY)
    result = run_faked([*CHECK, "--json"], faked)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert report["error"] is None
    assert report["libfaketime_preloaded"] is True
    assert report["realtime_file"] == str(faked.realtime)
    assert abs(report["skew_seconds"] - 400 * DAY) < 120
    assert report["unpatched_request_refused"] is True
    assert report["autopatch"] is False
    assert report["source"] == "kernel clock, checked against the realtime file once a second"
    assert abs(report["file_minus_kernel_seconds"]) < 1
    assert abs(report["realtime"] - report["realtime_file_time"]) < 1
    statuses = {f"{p['module']}.{p['name']}": p["status"] for p in report["wrap_points"]}
    assert "wrapped" not in statuses.values()
    assert statuses["botocore.credentials.datetime"] == "not wrapped"


def test_check_human_output(faked: Mount) -> None:
    faked.jump(-400 * DAY)
    result = run_faked(CHECK, faked, {"LIBFAKETIMEFS_BOTOCORE_AUTOPATCH": "1"})
    assert result.returncode == 0, result.stderr
    assert "libfaketime:       preloaded" in result.stdout
    assert "unpatched request: AWS would say REFUSED" in result.stdout
    assert "skew:              -34560" in result.stdout
    assert "switch:            on in this process" in result.stdout
    assert "  wrapped              botocore.credentials.datetime" in result.stdout
    assert "not wrapped" not in result.stdout


def test_check_without_libfaketime_and_in_sync(tmp_path: Path) -> None:
    path = tmp_path / "realtime"
    env = clean_environment()
    env["FAKETIME_REALTIME_FILE"] = str(path)
    path.write_text(f"{__import__('time').time():.6f}\n")
    report = json.loads(run_check(env, "--json").stdout)
    assert report["ok"] is True
    assert report["libfaketime_preloaded"] is False
    assert report["unpatched_request_refused"] is False


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        ("missing", "cannot open it: No such file or directory"),
        ("malformed", "expected a Unix time stamp (decimal seconds), found 'soon'"),
        ("directory", "cannot read it: Is a directory"),
        ("empty", "(empty)"),
    ],
)
def test_check_fails_with_a_one_line_reason(tmp_path: Path, setup: str, reason: str) -> None:
    env = clean_environment()
    path = tmp_path / "realtime"
    if setup == "malformed":
        path.write_text("soon")
    elif setup == "directory":
        path.mkdir()
    elif setup == "empty":
        path.write_text("")
    env["FAKETIME_REALTIME_FILE"] = str(path)
    human = run_check(env)
    assert human.returncode == 1
    # The verdict first; the failure again, alone, on stderr; no traceback.
    first = human.stdout.splitlines()[0]
    assert first.startswith("FAILED: AWS would not get a signature with the real time: ")
    last = human.stderr.strip().splitlines()[-1]
    assert last.startswith("FAILED: ")
    assert reason in last
    assert str(path) in last
    assert "Traceback" not in human.stderr
    machine = run_check(env, "--json")
    assert machine.returncode == 1
    report = json.loads(machine.stdout)
    assert report["ok"] is False
    assert reason in report["error"]
    # Text and JSON agree: nothing is signed by the process clock instead.
    assert report["source"] == "none: signing raises"
    assert "botocore signs by: nothing: it raises instead" in human.stdout


@pytest.mark.parametrize("faketime", ["+400d", "-400d"])
def test_check_libfaketime_alone_uses_the_kernel_clock(faketime: str) -> None:
    result = run_faked([*CHECK, "--json"], Libfaketime(faketime))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert report["source"] == "kernel clock"
    assert report["realtime_file"] is None
    assert abs(report["kernel_clock"] - time.time()) < 60
    assert abs(abs(report["skew_seconds"]) - 400 * DAY) < 120
    assert report["unpatched_request_refused"] is True
    human = run_faked(CHECK, Libfaketime(faketime))
    assert human.returncode == 0
    assert "botocore signs by: the kernel clock\n" in human.stdout
    assert "realtime file:     FAKETIME_REALTIME_FILE is not set" in human.stdout
    assert "kernel clock:      2" in human.stdout


def test_check_a_file_that_disagrees_with_the_kernel_clock(tmp_path: Path) -> None:
    """Within AWS's tolerance: signed by the file, said, and fine."""
    path = tmp_path / "realtime"
    path.write_text(f"{time.time() + 120:.6f}\n")
    env = {**clean_environment(), "FAKETIME_REALTIME_FILE": str(path)}
    report = json.loads(run_check(env, "--json").stdout)
    assert report["ok"] is True
    assert report["source"] == "realtime file"
    assert 60 < report["file_minus_kernel_seconds"] <= 120
    assert report["realtime"] == report["realtime_file_time"]
    human = run_check(env).stdout
    found = re.search(r"file vs kernel:    DISAGREE \(file minus kernel clock: \+([\d.]+) s", human)
    assert found is not None, human
    # Seconds have passed since the file was written: a loaded machine starts Python slowly.
    assert 60 < float(found.group(1)) <= 120
    assert "botocore signs by: the realtime file" in human


def test_check_fails_on_a_file_an_hour_off_the_kernel_clock(tmp_path: Path) -> None:
    """Every request would be signed by the file and refused: exit 1, both readings named."""
    path = tmp_path / "realtime"
    path.write_text(f"{time.time() + 3600:.6f}\n")
    env = {**clean_environment(), "FAKETIME_REALTIME_FILE": str(path)}
    result = run_check(env)
    assert result.returncode == 1, result.stdout
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("FAILED: the realtime file says ")
    assert "and the kernel clock " in last
    assert "more than AWS's 300 s" in last
    report = json.loads(run_check(env, "--json").stdout)
    assert report["ok"] is False
    assert report["source"] == "none: signing raises"


def test_check_accepts_a_file_off_the_kernel_clock_that_the_endpoint_agrees_with(
    tmp_path: Path, endpoint: Endpoint
) -> None:
    """The endpoint's Date header agrees with the file, not the kernel: the file is right."""
    endpoint.state.clock_offset = 3600
    path = tmp_path / "realtime"
    path.write_text(f"{time.time() + 3600:.6f}\n")
    env = {**clean_environment(), "FAKETIME_REALTIME_FILE": str(path)}
    result = run_check(env, "--json", "--endpoint-url", endpoint.url)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ok"] is True


@pytest.mark.parametrize("url", ["notaurl", "s3.amazonaws.com", "ftp://host/", "http://h:x/"])
def test_check_a_bad_endpoint_url_is_a_usage_error(url: str) -> None:
    result = run_check(clean_environment(), "--endpoint-url", url)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("libfaketimefs-botocore check: error: argument --endpoint-url")


def test_check_into_a_closed_pipe_is_a_quiet_exit() -> None:
    result = subprocess.run(
        f"{sys.executable} -m libfaketimefs_botocore check | head -2",
        shell=True,
        env=clean_environment(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == 2
    assert result.stderr == ""


def test_check_lists_what_is_installed_and_counts_the_rest() -> None:
    short = run_check(clean_environment()).stdout
    whole = run_check(clean_environment(), "--verbose").stdout
    found = re.search(r"\(and (\d+) of libraries not installed here: --verbose lists them\)", short)
    assert found is not None, short
    assert len(whole.splitlines()) == len(short.splitlines()) - 1 + int(found.group(1))


def test_check_without_any_source_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    from libfaketimefs_botocore import check, clock
    from libfaketimefs_botocore.clock.kernel import KernelClock

    monkeypatch.delenv("FAKETIME_REALTIME_FILE", raising=False)
    monkeypatch.setattr(clock, "_kernel", KernelClock(None, "no raw clock on test"))
    report = check.run()
    assert report.source == "process clock"
    assert report.error == (
        "no source of the real time: FAKETIME_REALTIME_FILE is not set and the kernel clock "
        "cannot be read (no raw clock on test); botocore would sign with the process clock"
    )
    assert "kernel clock:      unavailable: no raw clock on test" in check.render(report)


def test_command_needs_a_subcommand() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "libfaketimefs_botocore"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "check" in result.stderr


def _python_with_autopatch(env: dict[str, str], code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


PROBE = (
    "import sys; before = 'botocore' in sys.modules; import botocore.auth; "
    "print(before, type(botocore.auth.formatdate).__name__)"
)


def test_autopatch_only_with_the_variable() -> None:
    env = clean_environment()
    assert _python_with_autopatch(env, PROBE).stdout.split() == ["False", "function"]
    env["LIBFAKETIMEFS_BOTOCORE_AUTOPATCH"] = "1"
    result = _python_with_autopatch(env, PROBE)
    # botocore is not imported at start-up, and is patched when it is.
    assert result.stdout.split() == ["False", "Formatdate"], result.stderr
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("value", "patched"),
    [
        *((value, True) for value in ("1", "true", "True", "YES", "on", " on ")),
        *((value, False) for value in ("0", "false", "No", "OFF", "")),
    ],
)
def test_autopatch_values_as_a_manifest_writes_them(value: str, patched: bool) -> None:
    env = {**clean_environment(), "LIBFAKETIMEFS_BOTOCORE_AUTOPATCH": value}
    result = _python_with_autopatch(env, PROBE)
    assert result.stdout.split() == ["False", "Formatdate" if patched else "function"]
    assert result.stderr == ""
    if value in ("YES", "OFF"):  # check reads the value the same way (a check costs seconds)
        report = json.loads(run_check(env, "--json").stdout)
        assert (report["autopatch"], report["autopatch_problem"]) == (patched, None)


@pytest.mark.parametrize("value", ["maybe", "2", "enabled"])
def test_autopatch_a_value_not_understood_is_said_and_stays_off(value: str) -> None:
    env = {**clean_environment(), "LIBFAKETIMEFS_BOTOCORE_AUTOPATCH": value}
    result = _python_with_autopatch(env, PROBE)
    assert result.stdout.split() == ["False", "function"]
    said = f"LIBFAKETIMEFS_BOTOCORE_AUTOPATCH={value!r} is not understood: it stays off"
    assert result.stderr.count("\n") == 1
    assert said in result.stderr
    checked = run_check(env)
    assert f"autopatch:         {said}" in checked.stdout
    assert json.loads(run_check(env, "--json").stdout)["autopatch_problem"].startswith(said)


def test_check_says_first_that_the_library_is_off_under_libfaketime() -> None:
    result = run_faked([*CHECK], Libfaketime("+400d"))
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith("NOT ON: the clock here is +34560000 s off the real time")
    assert "LIBFAKETIMEFS_BOTOCORE_AUTOPATCH=1" in first
    assert "import libfaketimefs_botocore.patch" in first
    on = run_faked([*CHECK], Libfaketime("+400d"), {"LIBFAKETIMEFS_BOTOCORE_AUTOPATCH": "yes"})
    assert on.stdout.splitlines()[0].startswith("fine: the clock here is +34560000 s off")


def test_autopatch_when_the_library_is_imported_first() -> None:
    env = clean_environment()
    env["LIBFAKETIMEFS_BOTOCORE_AUTOPATCH"] = "1"
    result = _python_with_autopatch(
        env,
        "import libfaketimefs_botocore, botocore.auth; "
        "print(type(botocore.auth.formatdate).__name__)",
    )
    assert result.stdout.split() == ["Formatdate"], result.stderr
    assert result.stderr == ""


def test_autopatch_error_is_reported_once_and_swallowed(tmp_path: Path) -> None:
    # A broken wrapt on the path: start-up, and the import that patches, must survive it.
    (tmp_path / "wrapt.py").write_text("raise ImportError('wrapt is broken here')\n")
    env = clean_environment()
    env["LIBFAKETIMEFS_BOTOCORE_AUTOPATCH"] = "1"
    env["PYTHONPATH"] = str(tmp_path)
    result = _python_with_autopatch(
        env, "import botocore.auth; import requests_aws4auth; print('started')"
    )
    assert result.returncode == 0
    assert result.stdout == "started\n"
    assert result.stderr == (
        "libfaketimefs-botocore: autopatch disabled: ImportError: wrapt is broken here\n"
    )


def test_autopatch_imports_nothing_until_a_watched_package_is() -> None:
    """At start-up only the hook's own file: wrapt and the library come with botocore."""
    env = {**clean_environment(), "LIBFAKETIMEFS_BOTOCORE_AUTOPATCH": "1"}
    code = (
        "import sys\n"
        "names = ('wrapt', 'libfaketimefs_botocore', 'asyncio')\n"
        "print([n in sys.modules for n in names])\n"
        "import json\n"
        "print([n in sys.modules for n in names])\n"
        "import botocore.auth\n"
        "print([n in sys.modules for n in names], type(botocore.auth.formatdate).__name__)\n"
    )
    result = _python_with_autopatch(env, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "[False, False, False]",
        "[False, False, False]",
        "[True, True, True] Formatdate",
    ]
    assert result.stderr == ""


def _aws(
    mount: Mount, endpoint: Endpoint, extra: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    if not AWS.exists():
        raise AssertionError(f"the AWS CLI is not installed at {AWS}: run `make tools`")
    env = {"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY, **extra}
    return run_faked(
        [
            str(AWS),
            "sts",
            "get-caller-identity",
            "--endpoint-url",
            endpoint.url,
            "--output",
            "json",
        ],
        mount,
        env,
    )


@pytest.mark.parametrize("days", [400, -400])
def test_aws_cli_is_refused_without_the_variable(
    faked: Mount, endpoint: Endpoint, days: int
) -> None:
    faked.jump(days * DAY)
    result = _aws(faked, endpoint, {})
    assert result.returncode != 0
    assert "SignatureDoesNotMatch" in result.stderr
    assert "Signature expired" in result.stderr or "Signature not yet current" in result.stderr


@pytest.mark.parametrize("days", [400, -400])
def test_aws_cli_is_accepted_with_the_variable(faked: Mount, endpoint: Endpoint, days: int) -> None:
    faked.jump(days * DAY)
    result = _aws(faked, endpoint, {"LIBFAKETIMEFS_BOTOCORE_AUTOPATCH": "1"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["Arn"] == "arn:aws:iam::123456789012:user/local"
    assert [verdict.accepted for verdict in endpoint.state.verdicts] == [True]


@pytest.mark.parametrize(
    ("offset", "verdict"), [(0, "agree"), (3600, "DISAGREE"), (-3600, "DISAGREE")]
)
def test_check_an_endpoint_clock(endpoint: Endpoint, offset: int, verdict: str) -> None:
    put = endpoint.put_clock(offset)
    env = clean_environment()
    report = json.loads(run_check(env, "--json", "--endpoint-url", endpoint.url).stdout)
    assert report["ok"] is True
    assert report["endpoint_url"] == endpoint.url
    assert abs(report["endpoint_minus_real_seconds"] - put) < 3
    human = run_check(env, "--endpoint-url", endpoint.url)
    assert human.returncode == 0
    assert f"endpoint vs real:  {verdict}: " in human.stdout
    if verdict == "DISAGREE":
        assert "refused once, then sent again signed by its clock" in human.stdout
    off = run_check(
        {**env, "LIBFAKETIMEFS_BOTOCORE_CORRECT_SKEW": "0"}, "--endpoint-url", endpoint.url
    )
    if verdict == "DISAGREE":
        assert "every signed request to it will be refused" in off.stdout
    # One unsigned request each time, and nothing else.
    assert [verdict.code for verdict in endpoint.state.verdicts] == [
        "MissingAuthenticationToken"
    ] * 3


def test_check_sends_nothing_without_the_option(endpoint: Endpoint) -> None:
    run_check(clean_environment(), "--json")
    assert endpoint.state.verdicts == []


def test_check_an_endpoint_that_cannot_be_reached() -> None:
    result = run_check(clean_environment(), "--endpoint-url", "http://127.0.0.1:9/")
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith("FAILED: cannot reach the endpoint http://127.0.0.1:9/")
    )
