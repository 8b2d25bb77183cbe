"""HTTPS: the certificates of the endpoints the AWS signers sign for, judged by the real time.

SeaweedFS serves S3 on HTTPS with a certificate the test made, valid from 10
days ago to 30 days ahead (tests/harness/certificates.py), trusted through
``AWS_CA_BUNDLE``. Under libfaketime 400 days ahead OpenSSL finds it expired,
400 days behind not yet valid: unpatched, every call fails in the handshake;
with the library, the handshake and the signature both pass, while the
program's own HTTPS call to another host name (127.0.0.1, the same server)
is still judged by its faked clock.
"""

from __future__ import annotations

import datetime
import importlib.util
from pathlib import Path
from typing import Any

import pytest

from tests.harness import certificates
from tests.harness.faketime import (
    DAY,
    OTHER_SIGNERS_CLIENT,
    ClockSetup,
    Libfaketime,
    Mount,
    run_client,
)
from tests.harness.seaweedfs import S3_SERVER_OPERATIONS, SeaweedFS
from tests.harness.unfaked_http import post_form, send

pytestmark = pytest.mark.timeout(300)

OPERATIONS = S3_SERVER_OPERATIONS
# What OpenSSL says of a certificate outside its validity at the time it judges by.
EXPIRED = "certificate has expired"
NOT_YET_VALID = "certificate is not yet valid"


def _verdict(days: int) -> str:
    return EXPIRED if days > 0 else NOT_YET_VALID


def _setup(name: str, days: int, mount: Mount) -> ClockSetup:
    if name == "libfaketime":
        return Libfaketime(f"{days:+d}d")
    mount.jump(days * DAY)
    return mount


def _https(seaweedfs: SeaweedFS, **more: Any) -> dict[str, Any]:
    """A client program's options for SeaweedFS's HTTPS endpoint."""
    return {
        "endpoint": seaweedfs.https_url,
        "access_key": seaweedfs.access_key,
        "secret_key": seaweedfs.secret_key,
        **more,
    }


def _s3_server(
    seaweedfs: SeaweedFS, setup: ClockSetup, bucket: str, folder: Path, patch: str, **more: Any
) -> dict[str, Any]:
    """The s3-server scenario, on the HTTPS endpoint unless ``endpoint=`` says another."""
    ca_bundle = more.pop("ca_bundle", seaweedfs.ca_bundle)
    options = _https(seaweedfs, bucket=bucket, folder=str(folder), patch=patch, **more)
    return run_client(
        "s3-server", setup, options, extra_env={"AWS_CA_BUNDLE": ca_bundle}, timeout=240
    )


@pytest.mark.parametrize("days", [400, -400])
@pytest.mark.parametrize("faker", ["libfaketime", "libfaketimefs"])
def test_boto3_over_https(
    seaweedfs: SeaweedFS, faked: Mount, bucket: str, tmp_path: Path, faker: str, days: int
) -> None:
    own_host = seaweedfs.https_url.replace("localhost", "127.0.0.1")
    result = _s3_server(
        seaweedfs, _setup(faker, days, faked), bucket, tmp_path, "import", own_call=own_host
    )
    outcomes = {name: r["ok"] for name, r in result["results"].items()}
    assert outcomes == dict.fromkeys(OPERATIONS, True), result["results"]
    # The program's own call to another host name keeps the program's clock.
    assert result["own_call"]["ok"] is False
    assert _verdict(days) in result["own_call"]["code"], result["own_call"]
    presigned, ca = result["presigned"], seaweedfs.ca_bundle
    assert presigned["get"].startswith(seaweedfs.https_url)
    assert send(presigned["get"], cafile=ca) == (200, b"served to an unfaked process")
    status, body = send(presigned["put"], "PUT", b"put with a presigned URL", cafile=ca)
    assert status == 200, body
    status, body = post_form(presigned["post"], b"posted over HTTPS", cafile=ca)
    assert status in (200, 204), body


@pytest.mark.parametrize("days", [400, -400])
@pytest.mark.parametrize("faker", ["libfaketime", "libfaketimefs"])
def test_unpatched_fails_in_the_handshake(
    seaweedfs: SeaweedFS, faked: Mount, bucket: str, tmp_path: Path, faker: str, days: int
) -> None:
    """The test's own check: without the library, OpenSSL judges by the fake time."""
    result = _s3_server(seaweedfs, _setup(faker, days, faked), bucket, tmp_path, "none")
    [(name, outcome)] = result["results"].items()
    assert name == "create_bucket"
    assert outcome["ok"] is False
    assert "SSLError" in outcome["code"], outcome
    assert _verdict(days) in outcome["code"], outcome


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "days", "verdict"),
    [
        # Expired yesterday, valid by a clock a year behind: refused.
        (-400, -1, -365, EXPIRED),
        # Valid from tomorrow, valid by a clock a year ahead: refused.
        (1, 400, 365, NOT_YET_VALID),
    ],
)
def test_a_certificate_invalid_by_the_real_time_is_refused(
    seaweedfs: SeaweedFS,
    bucket: str,
    tmp_path: Path,
    valid_from: int,
    valid_until: int,
    days: int,
    verdict: str,
) -> None:
    certificate = certificates.make(
        tmp_path / "tls", valid_from * certificates.DAY, valid_until * certificates.DAY
    )
    setup = Libfaketime(f"{days:+d}d")
    with certificates.https_server(certificate) as url:
        options = {"endpoint": url, "ca_bundle": str(certificate.ca)}
        unpatched = _s3_server(seaweedfs, setup, bucket, tmp_path, "none", **options)
        patched = _s3_server(seaweedfs, setup, bucket, tmp_path, "import", **options)
    # By the fake clock the certificate is valid: the server's own refusal comes back.
    assert unpatched["results"]["create_bucket"]["code"] == "AccessDenied", unpatched
    code = patched["results"]["create_bucket"]["code"]
    assert "SSLError" in code, patched
    assert verdict in code, patched


@pytest.mark.skipif(importlib.util.find_spec("aiobotocore") is None, reason="no aiobotocore")
@pytest.mark.parametrize("patch", ["none", "import"])
@pytest.mark.parametrize("days", [400, -400])
@pytest.mark.parametrize("faker", ["libfaketime", "libfaketimefs"])
def test_aiobotocore_over_https(
    seaweedfs: SeaweedFS, faked: Mount, bucket: str, faker: str, days: int, patch: str
) -> None:
    result = run_client(
        "s3-server-aio",
        _setup(faker, days, faked),
        _https(seaweedfs, bucket=bucket, patch=patch),
        # One attempt: a failed handshake is not sent again after a back-off.
        extra_env={"AWS_CA_BUNDLE": seaweedfs.ca_bundle, "AWS_MAX_ATTEMPTS": "1"},
    )
    if patch == "none":
        [(name, outcome)] = result["results"].items()
        assert name == "create_bucket"
        assert _verdict(days) in outcome["code"], outcome
    else:
        assert all(r["ok"] for r in result["results"].values()), result["results"]
        assert len(result["results"]) == 4


def test_without_the_verification_time_a_warning_and_the_process_clock(
    seaweedfs: SeaweedFS,
) -> None:
    """A libssl without a function the library needs: one warning, no crash, the fake time."""
    result = run_client(
        "tls-fallback",
        Libfaketime("+400d"),
        _https(seaweedfs),
        extra_env={"AWS_CA_BUNDLE": seaweedfs.ca_bundle},
    )
    assert [call["ok"] for call in result["calls"]] == [False, False]
    assert all(EXPIRED in call["code"] for call in result["calls"]), result["calls"]
    [warning] = result["warnings"]
    assert warning.startswith("TLSTimeWarning: "), warning
    assert "libfaketimefs_botocore_test_missing() is not in the libssl" in warning
    assert "localhost" in warning


def test_the_certificate_window(tmp_path: Path) -> None:
    """The harness's certificate is what the tests say it is."""
    from cryptography import x509

    made = certificates.make(tmp_path)
    certificate = x509.load_pem_x509_certificate(made.certificate.read_bytes())
    now = datetime.datetime.now(datetime.timezone.utc)
    assert abs(certificate.not_valid_before_utc - (now - 10 * certificates.DAY)).days == 0
    assert abs(certificate.not_valid_after_utc - (now + 30 * certificates.DAY)).days == 0


@pytest.mark.skipif(
    importlib.util.find_spec("requests_aws4auth") is None
    or importlib.util.find_spec("httpx_auth") is None,
    reason="the signers group is not installed",
)
@pytest.mark.parametrize("patch", ["none", "import"])
@pytest.mark.parametrize("days", [400, -400])
@pytest.mark.parametrize("faker", ["libfaketime", "libfaketimefs"])
def test_other_signers_over_https(
    seaweedfs: SeaweedFS, faked: Mount, faker: str, days: int, patch: str
) -> None:
    """requests-aws4auth (requests, urllib3) and httpx-auth (httpx, sync and async)."""
    result = run_client(
        "s3-over-https",
        _setup(faker, days, faked),
        _https(seaweedfs, ca_bundle=seaweedfs.ca_bundle, patch=patch),
        program=OTHER_SIGNERS_CLIENT,
    )
    signers = ["requests-aws4auth", "httpx-auth", "httpx-auth-async"]
    assert list(result["results"]) == signers
    for name, outcome in result["results"].items():
        if patch == "none":
            assert _verdict(days) in outcome["code"], (name, outcome)
        else:
            assert outcome == {"ok": True, "code": ""}, name


# In every matrix session: CPython's layout of _ssl's objects, on each Python.
@pytest.mark.pins
@pytest.mark.parametrize("patch", ["none", "import"])
def test_each_python_judges_by_the_real_time(tmp_path: Path, patch: str) -> None:
    certificate = certificates.make(tmp_path / "tls")
    with certificates.https_server(certificate) as url:
        result = run_client(
            "s3-server",
            Libfaketime("+400d"),
            {"endpoint": url, "bucket": "b", "folder": str(tmp_path), "patch": patch},
            extra_env={"AWS_CA_BUNDLE": str(certificate.ca)},
        )
    code = result["results"]["create_bucket"]["code"]
    if patch == "none":
        assert EXPIRED in code, result
    else:
        assert code == "AccessDenied", result  # the server's own answer: the handshake passed
