"""The signing schemes each end-to-end test runs, by the signers botocore uses; and the
signers that are not botocore, by their names in other_signers_client.py."""

from __future__ import annotations

import importlib.util
from typing import Any

import botocore
import pytest

from tests.harness.endpoint import Endpoint
from tests.harness.faketime import ClockSetup, run_client

HAS_AWSCRT = importlib.util.find_spec("awscrt") is not None

# The signers that sign SigV4 themselves.
OWN_SIGNERS = [
    "requests-aws4auth",
    "requests-aws4auth-strict",
    "requests-aws4auth-passive",
    "aws-requests-auth",
    "requests-auth-aws-sigv4",
    "httpx-auth",
    "httpx-auth-async",
    "aws-request-signer",
    "aws-request-signer-requests",
    "aws-request-signer-presign",
    "aws-request-signer-post",
]
# opensearch-py signs with botocore's SigV4Auth: reached through botocore.
THROUGH_BOTOCORE = [
    "opensearch-py",
    "opensearch-py-requests",
    "opensearch-py-urllib3",
    "opensearch-py-async",
]

PURE_SCHEMES = [
    "v4",
    "v4-query",
    "s3v4",
    "s3v4-query",
    "s3v4-post",
    "v2",
    "v3",
    "hmacv1",
    "hmacv1-query",
    "hmacv1-post",
]
CRT_SCHEMES = ["v4", "v4-query", "s3v4", "s3v4-query", "v4a"]

# S3 Express (directory buckets) arrived in botocore 1.33.2.
if tuple(int(part) for part in botocore.__version__.split(".")[:3]) >= (1, 33, 2):
    EXPRESS = ["s3express", "s3express-query", "s3express-post"]
    PURE_SCHEMES += EXPRESS
    CRT_SCHEMES += EXPRESS

SIGNERS = [pytest.param("python", id="python-signers")]
if HAS_AWSCRT:
    SIGNERS.append(pytest.param("crt", id="crt-signers"))


def signer_environment(signers: str) -> dict[str, str]:
    """The client's environment for the pure-Python or the CRT signers."""
    return {} if signers == "crt" else {"BOTO_DISABLE_CRT": "true"}


def schemes(signers: str) -> list[str]:
    return CRT_SCHEMES if signers == "crt" else PURE_SCHEMES


def verdict_schemes(signers: str) -> set[str]:
    """What the endpoint sees when every scheme is sent: S3 Express adds its session."""
    expected = set(schemes(signers))
    if "s3express" in expected:
        expected.add("s3express-create-session")
    return expected


def run_schemes(
    setup: ClockSetup, endpoint: Endpoint, signers: str, patch: str, **options: Any
) -> dict[str, Any]:
    """Send every scheme from a client process, with the signers asked for."""
    result = run_client(
        "schemes",
        setup,
        {"endpoint": endpoint.url, "patch": patch, "schemes": schemes(signers), **options},
        extra_env=signer_environment(signers),
    )
    crt = signers == "crt"
    assert result["crt"] is crt
    assert result["v4_signer"] == ("CrtSigV4Auth" if crt else "SigV4Auth")
    return result
