"""The AWS signers that are not botocore, end to end through the verifying endpoint.

Each signs SigV4 for a service and region of the caller's choosing (``es``,
``execute-api``, ``s3``); the endpoint recomputes each signature with
botocore's signer classes. They do not depend on the botocore installed:
run once, not in each matrix session.
"""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
import time
from typing import Any

import _libfaketimefs_botocore_autopatch
import pytest

from libfaketimefs_botocore import integrations
from libfaketimefs_botocore.audit import installed as audit_installed
from tests.harness.endpoint import Endpoint, across_midnight
from tests.harness.faketime import (
    DAY,
    OTHER_SIGNERS_CLIENT,
    ClockSetup,
    Libfaketime,
    Mount,
    Unfaked,
    run_client,
)
from tests.harness.schemes import OWN_SIGNERS, THROUGH_BOTOCORE

OK = {"ok": True, "code": ""}
SIGNERS = OWN_SIGNERS + THROUGH_BOTOCORE


def _run(
    setup: ClockSetup,
    endpoint: Endpoint,
    scenario: str,
    env: dict[str, str] | None = None,
    **options: Any,
) -> dict[str, Any]:
    return run_client(
        scenario,
        setup,
        {"endpoint": endpoint.url, "real_now": time.time(), **options},
        extra_env=env,
        program=OTHER_SIGNERS_CLIENT,
    )


def _assert_all_accepted(result: dict[str, Any], endpoint: Endpoint, real: float) -> None:
    assert result == {name: OK for name in result}
    verdicts = endpoint.state.verdicts
    assert len(verdicts) >= len(result)
    for verdict in verdicts:
        assert verdict.accepted, verdict
        assert verdict.signed_at is not None
        assert abs(verdict.signed_at - real) < 120


def _assert_all_refused(result: dict[str, Any], endpoint: Endpoint) -> None:
    assert not any(outcome["ok"] for outcome in result.values()), result
    assert endpoint.state.verdicts
    assert not any(verdict.accepted for verdict in endpoint.state.verdicts)


def _today(seconds: float) -> str:
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime("%Y%m%d")


@pytest.mark.parametrize("faketime", ["+400d", "-400d"])
def test_libfaketime_alone_unpatched_every_signer_is_refused(
    endpoint: Endpoint, faketime: str
) -> None:
    result = _run(Libfaketime(faketime), endpoint, "sign", patch="none", signers=SIGNERS)
    _assert_all_refused(result["results"], endpoint)


@pytest.mark.parametrize("patch", ["import", "call", "context"])
@pytest.mark.parametrize("faketime", ["+400d", "-400d"])
def test_libfaketime_alone_every_signer_is_accepted(
    endpoint: Endpoint, faketime: str, patch: str
) -> None:
    result = _run(Libfaketime(faketime), endpoint, "sign", patch=patch, signers=SIGNERS)
    assert abs(result["fake"] - time.time()) > 300 * DAY
    _assert_all_accepted(result["results"], endpoint, time.time())


@pytest.mark.parametrize("days", [400, -400])
def test_libfaketimefs_every_signer(faked: Mount, endpoint: Endpoint, days: int) -> None:
    faked.jump(days * DAY)
    refused = _run(faked, endpoint, "sign", patch="none", signers=SIGNERS)
    _assert_all_refused(refused["results"], endpoint)
    endpoint.reset()
    accepted = _run(faked, endpoint, "sign", patch="import", signers=SIGNERS)
    assert abs(accepted["fake"] - time.time() - days * DAY) < 120
    _assert_all_accepted(accepted["results"], endpoint, time.time())


# The endpoint's clock an hour ahead of the real one, as AWS's would be to a
# machine whose clock is an hour behind; and on the far side of a UTC midnight
# from the real time, where a key made for the real date is for the wrong day.
ENDPOINT_CLOCKS = {
    "an-hour-ahead": lambda: 3600.0,
    "past-the-next-midnight": lambda: across_midnight(1800.0, time.time()),
    "before-the-last-midnight": lambda: across_midnight(-1800.0, time.time()),
}


@pytest.mark.parametrize("clock", ENDPOINT_CLOCKS)
def test_an_endpoint_clock_learned_by_botocore_is_used_by_every_signer(
    endpoint: Endpoint, clock: str
) -> None:
    offset = endpoint.put_clock(ENDPOINT_CLOCKS[clock]())
    # Not aws-request-signer's POST policy: sign_s3_post_policy is not told its URL.
    signers = [name for name in SIGNERS if name != "aws-request-signer-post"]
    result = _run(
        Libfaketime("+400d"), endpoint, "sign", patch="import", signers=signers, learn_first=True
    )
    assert result["results"] == {name: OK for name in signers}
    refused, *accepted = endpoint.state.verdicts
    assert not refused.accepted
    assert len(accepted) >= 1 + len(signers)
    for verdict in accepted:
        assert verdict.accepted
        assert verdict.signed_at is not None
        assert abs(verdict.signed_at - (time.time() + offset)) < 120


def test_autopatch_in_a_program_that_never_imports_botocore(endpoint: Endpoint) -> None:
    # Not requests-auth-aws-sigv4, which imports boto3 when it can, nor
    # opensearch-py, which imports botocore: the start-up hook must see these
    # packages themselves. (The library, once it runs, imports botocore's
    # exceptions for its own.)
    signers = ["requests-aws4auth", "aws-requests-auth", "httpx-auth", "aws-request-signer"]
    env = {"LIBFAKETIMEFS_BOTOCORE_AUTOPATCH": "1"}
    result = _run(Libfaketime("+400d"), endpoint, "sign", env, patch="none", signers=signers)
    assert result["imported_botocore_first"] is False
    _assert_all_accepted(result["results"], endpoint, time.time())


@pytest.mark.parametrize("days", [400, -400])
@pytest.mark.parametrize("faker", ["freezegun", "time-machine"])
def test_in_process_fakers_inside_realtime_signing(
    endpoint: Endpoint, faker: str, days: int
) -> None:
    result = _run(Unfaked(), endpoint, "faker-sign", faker=faker, days=days, signers=SIGNERS)
    assert not any(outcome["ok"] for outcome in result["outside"].values()), result["outside"]
    assert result["inside"] == {name: OK for name in SIGNERS}
    # The program's own clock stays fake inside the block: the year of its fake time.
    assert result["program_year"] == result["fake_year"]


# requests-aws4auth's signing key keeps the date it was made on.


@pytest.mark.parametrize("made", ["before-install", "switch-off"])
def test_aws4auth_keys_made_with_the_fake_date_are_remade(endpoint: Endpoint, made: str) -> None:
    before = time.time()
    result = _run(Libfaketime("+400d"), endpoint, "aws4auth-keys", made=made, secret=True)
    fake_days = {_today(before + 400 * DAY), _today(time.time() + 400 * DAY)}
    assert set(result["made_for"]) == set(result["results"])
    assert set(result["made_for"].values()) <= fake_days
    # Strict does not raise DateMismatchError, Passive does not sign with the fake date.
    _assert_all_accepted(result["results"], endpoint, time.time())


def test_aws4auth_key_without_its_secret_raises_and_signs_nothing(endpoint: Endpoint) -> None:
    result = _run(Libfaketime("+400d"), endpoint, "aws4auth-keys", made="switch-off", secret=False)
    for kind, outcome in result["results"].items():
        assert not outcome["ok"]
        assert outcome["code"].startswith("DateMismatchError: libfaketimefs-botocore: ")
        # The key's (fake) date and the real one it would sign on.
        assert f"signing key is for {result['made_for'][kind]}, " in outcome["code"]
        assert "(the real time, " in outcome["code"]
        assert "store_secret_key=False" in outcome["code"]
    assert endpoint.state.verdicts == []


@pytest.mark.parametrize("imported", ["before", "during"])
def test_a_stand_in_installed_during_a_freeze_outlives_its_stop(
    endpoint: Endpoint, imported: str
) -> None:
    # Under libfaketime, so that after the freeze the process clock is fake too.
    before = time.time()
    result = _run(Libfaketime("+400d"), endpoint, "freezegun-stop", imported=imported)
    # The real date, whichever side of a midnight the run fell on.
    real_days = {_today(before), _today(time.time())}
    assert result["during"] in real_days
    assert result["after"] in real_days
    assert result["sign"] == OK


# The tables themselves.

SIGNER_MODULES = [
    "requests_aws4auth",
    "aws_requests_auth.aws_auth",
    "requests_auth_aws_sigv4",
    "httpx_auth",
    "aws_request_signer",
    "opensearchpy.helpers.signer",
    "freezegun.api",
]


def test_every_point_of_the_other_signers_is_wrapped_in_their_releases() -> None:
    code = (
        "import importlib, json\n"
        f"for name in {SIGNER_MODULES!r}: importlib.import_module(name)\n"
        "from libfaketimefs_botocore import integrations, wrapping\n"
        "wrapping.install(integrations.WRAP_POINTS)\n"
        "print(json.dumps({f'{s.point.module}.{s.point.name}': s.status"
        " for s in wrapping.statuses(integrations.WRAP_POINTS)}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    statuses = json.loads(result.stdout)
    tables = [
        integrations.requests_aws4auth.WRAP_POINTS,
        integrations.aws_requests_auth.WRAP_POINTS,
        integrations.requests_auth_aws_sigv4.WRAP_POINTS,
        integrations.httpx_auth.WRAP_POINTS,
        integrations.aws_request_signer.WRAP_POINTS,
        integrations.opensearchpy.WRAP_POINTS,
        integrations.freezegun.WRAP_POINTS,
    ]
    points = [f"{point.module}.{point.name}" for table in tables for point in table]
    assert {point: statuses[point] for point in points} == dict.fromkeys(points, "wrapped")


# Packages whose import imports botocore (or, for opensearch-py, whose only
# point matters once botocore has learned a clock), and freezegun, which signs
# nothing: the start-up hook need not watch them.
IMPORT_BOTOCORE = {"boto3", "aiobotocore", "awscli", "opensearchpy", "freezegun"}


def test_the_start_up_hook_watches_every_signer_that_does_not_import_botocore() -> None:
    watched = set(_libfaketimefs_botocore_autopatch.WATCHED)
    top_level = {module.split(".")[0] for module in integrations.MODULES}
    # The native clients too, whose clock imports are redirected when they are imported
    # (not _awscrt, which awscrt's own integration watches through its package).
    top_level |= {
        n.module.split(".")[0] for _, n in integrations.NATIVE if not n.module.startswith("_")
    }
    assert watched == top_level - IMPORT_BOTOCORE


# The audit reads them too.

OTHER_SIGNER_PACKAGES = {
    "requests_aws4auth",
    "aws_requests_auth",
    "requests_auth_aws_sigv4",
    "httpx_auth",
    "aws_request_signer",
}


def test_the_audit_reads_the_other_signers_and_knows_every_read() -> None:
    (audit,) = [a for a in audit_installed() if a.title == "this Python's AWS libraries"]
    assert set(audit.versions) >= OTHER_SIGNER_PACKAGES
    assert "unknown" not in {audit.versions[name] for name in OTHER_SIGNER_PACKAGES}
    reached = {f.read.module for f in audit.by_status("reached")}
    assert {
        "requests_aws4auth.aws4auth",
        "requests_aws4auth.aws4signingkey",
        "aws_requests_auth.aws_auth",
        "requests_auth_aws_sigv4",
        "httpx_auth._aws",
        "aws_request_signer",
    } <= reached
    assert audit.unknown == []


def test_a_signer_whose_table_is_gone_has_unknown_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    kept = tuple(p for p in integrations.WRAP_POINTS if not p.module.startswith("httpx_auth."))
    monkeypatch.setattr(integrations, "WRAP_POINTS", kept)
    unknown = [f for a in audit_installed() for f in a.unknown]
    assert [(f.read.module, f.read.function) for f in unknown] == [
        ("httpx_auth._aws", "AWS4Auth.auth_flow")
    ]


@pytest.mark.parametrize("faketime", ["+400d", "-400d"])
def test_a_chosen_signing_time_moves_every_signer(endpoint: Endpoint, faketime: str) -> None:
    """signing_time(floor=2 min) alone: each signer signs with the floored real time."""
    result = _run(
        Libfaketime(faketime), endpoint, "sign", patch="signing-time-floor", signers=SIGNERS
    )
    assert result["results"] == {name: OK for name in SIGNERS}
    assert len(endpoint.state.verdicts) >= len(SIGNERS)
    for verdict in endpoint.state.verdicts:
        assert verdict.accepted, verdict
        assert verdict.signed_at is not None
        assert verdict.signed_at % 120 == 0, verdict
        assert 0 <= verdict.received_at - verdict.signed_at < 130, verdict
