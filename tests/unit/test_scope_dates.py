"""Everything the library signs carries a credential scope dated as its ``X-Amz-Date``.

A property over the real time, the clock of the endpoint signed for and a
chosen signing time, each drawn near a UTC midnight as often as not: every
signer installed here signs in this process (nothing is sent), and each
signature's scope date is the date of its time stamp, which is the chosen
time or else the real time plus the endpoint's offset. requests-aws4auth's
keys are made beforehand, inside ``realtime_signing()``, at a real time of
their own (up to two days earlier), as a program makes them once and keeps
them. The real time is the libfaketimefs file's, written for each example.
"""

from __future__ import annotations

import datetime
import importlib.util
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from libfaketimefs_botocore import clock, realtime_signing, signing_time
from libfaketimefs_botocore.clock import ENV_VAR, endpoint_offsets
from libfaketimefs_botocore.state.switch import SWITCH

# The other signers: make test's environment has them, the matrix's sessions not.
for _signer in (
    "httpx",
    "requests",
    "aws_request_signer",
    "aws_requests_auth",
    "httpx_auth",
    "requests_auth_aws_sigv4",
    "requests_aws4auth",
):
    pytest.importorskip(_signer)

import httpx  # noqa: E402
import requests  # noqa: E402
from aws_request_signer import UNSIGNED_PAYLOAD, AwsRequestSigner  # noqa: E402
from aws_requests_auth.aws_auth import AWSRequestsAuth  # noqa: E402
from httpx_auth import AWS4Auth as HttpxAWS4Auth  # noqa: E402
from requests_auth_aws_sigv4 import AWSSigV4  # noqa: E402
from requests_aws4auth import AWS4Auth, PassiveAWS4Auth, StrictAWS4Auth  # noqa: E402

pytestmark = pytest.mark.skipif(
    SWITCH.held_for_good, reason="the switch is held for good in this process"
)

EXAMPLES = max(100, int(os.environ.get("LIBFAKETIMEFS_BOTOCORE_EXAMPLES", "1000")) // 5)
UTC = datetime.timezone.utc
DAY = 86400
KEY, SECRET, REGION = "AKIDEXAMPLESCOPE0001", "scope/date/secret/key/EXAMPLEKEY000000", "eu-west-1"
URL = "http://127.0.0.1:9/prod/pets?kind=cat"  # never sent
HAS_CRT = importlib.util.find_spec("awscrt") is not None
FIRST_DAY = 10957  # 2000-01-01
LAST_DAY = 47481  # 2099-12-31

S3 = boto3.client(
    "s3",
    endpoint_url="http://127.0.0.1:9",
    region_name="us-east-1",
    aws_access_key_id=KEY,
    aws_secret_access_key=SECRET,
    config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
)
CREDENTIALS = Credentials(KEY, SECRET)
AMZ = "%Y%m%dT%H%M%SZ"
# Signers not told the endpoint they sign for, which sign with the real time:
# botocore's auth classes used on their own (a client's RequestSigner tells
# them), aws-request-signer's POST policy.
NOT_FOR_AN_ENDPOINT = {
    "botocore SigV4Auth",
    "botocore SigV4QueryAuth",
    "botocore CrtSigV4Auth",
    "aws-request-signer POST",
}


def _near_midnight(day: int, second: int) -> int:
    return day * DAY + second


# A second of a day: as often as not within ten minutes of its midnight.
seconds_of_a_day = st.integers(0, 600) | st.integers(DAY - 600, DAY - 1) | st.integers(0, DAY - 1)
real_times = st.builds(_near_midnight, st.integers(FIRST_DAY, LAST_DAY), seconds_of_a_day)
# An endpoint's clock off the real one by more than the library learns from, either way,
# by up to two days, or on the real time.
offsets = st.just(0) | st.integers(241, 2 * DAY).flatmap(lambda s: st.sampled_from([s, -s]))
# A chosen time: none, or near a midnight of its own (a month's or year's end among them).
chosen_times = st.none() | st.builds(
    lambda day, second, micro: _near_midnight(day, second) + micro / 1e6,
    st.integers(FIRST_DAY, LAST_DAY),
    seconds_of_a_day,
    st.integers(0, 999_999),
)
key_ages = st.integers(0, 2 * DAY)


def _scope(credential: str) -> str:
    return credential.split("/")[1]


def _from_headers(headers: Any) -> tuple[str, str]:
    match = re.search(r"Credential=[^/]+/(\d{8})/", headers["Authorization"])
    assert match, headers["Authorization"]
    return match.group(1), headers["X-Amz-Date"]


def _from_url(url: str) -> tuple[str, str]:
    query = parse_qs(urlsplit(url).query)
    return _scope(query["X-Amz-Credential"][0]), query["X-Amz-Date"][0]


def _from_fields(fields: dict[str, str]) -> tuple[str, str]:
    return _scope(fields["x-amz-credential"]), fields["x-amz-date"]


def _botocore(auth_class: type[Any]) -> Callable[[], tuple[str, str]]:
    def sign() -> tuple[str, str]:
        request = AWSRequest(method="GET", url=URL)
        auth_class(CREDENTIALS, "execute-api", REGION).add_auth(request)
        if auth_class is SigV4QueryAuth:
            return _from_url(request.url)
        return _from_headers(request.headers)

    return sign


def _client_signs() -> tuple[str, str]:
    """A header-signed request, as a client signs it before it sends it."""
    request = AWSRequest(method="GET", url="http://127.0.0.1:9/b/k")
    S3._request_signer.sign("GetObject", request)
    return _from_headers(request.headers)


def _crt() -> tuple[str, str]:
    from botocore.crt.auth import CrtSigV4Auth

    request = AWSRequest(method="GET", url=URL)
    CrtSigV4Auth(CREDENTIALS, "execute-api", REGION).add_auth(request)
    return _from_headers(request.headers)


def _requests(auth: Any) -> Callable[[], tuple[str, str]]:
    def sign() -> tuple[str, str]:
        prepared = auth(requests.Request("GET", URL).prepare())
        return _from_headers(prepared.headers)

    return sign


def _httpx_auth() -> tuple[str, str]:
    auth = HttpxAWS4Auth(access_id=KEY, secret_key=SECRET, region=REGION, service="es")
    flow = auth.auth_flow(httpx.Request("GET", URL))
    return _from_headers(next(flow).headers)


def _signer() -> AwsRequestSigner:
    return AwsRequestSigner(REGION, KEY, SECRET, "s3")


def _policy() -> dict[str, Any]:
    return {"expiration": "2100-01-01T00:00:00Z", "conditions": [{"bucket": "b"}]}


def _made_keys() -> dict[str, Any]:
    """requests-aws4auth's three classes, with a key each, made now."""
    return {
        kind.__name__: kind(KEY, SECRET, REGION, "es")
        for kind in (AWS4Auth, StrictAWS4Auth, PassiveAWS4Auth)
    }


def _signers(keys: dict[str, Any]) -> dict[str, Callable[[], tuple[str, str]]]:
    signers: dict[str, Callable[[], tuple[str, str]]] = {
        "botocore SigV4Auth": _botocore(SigV4Auth),
        "botocore SigV4QueryAuth": _botocore(SigV4QueryAuth),
        "botocore client": _client_signs,
        "botocore presigned URL": lambda: _from_url(
            S3.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"})
        ),
        "botocore POST policy": lambda: _from_fields(
            S3.generate_presigned_post("b", "k")["fields"]
        ),
        "aws-requests-auth": _requests(
            AWSRequestsAuth(KEY, SECRET, "127.0.0.1:9", REGION, "execute-api")
        ),
        "requests-auth-aws-sigv4": _requests(
            AWSSigV4(
                "execute-api", region=REGION, aws_access_key_id=KEY, aws_secret_access_key=SECRET
            )
        ),
        "httpx-auth": _httpx_auth,
        "aws-request-signer": lambda: _from_headers(
            requests.structures.CaseInsensitiveDict(_signer().sign_with_headers("GET", URL))
        ),
        "aws-request-signer presign": lambda: _from_url(
            _signer().presign_url("GET", URL, content_hash=UNSIGNED_PAYLOAD)
        ),
        "aws-request-signer POST": lambda: _from_fields(_signer().sign_s3_post_policy(_policy())),
    }
    if HAS_CRT:
        signers["botocore CrtSigV4Auth"] = _crt
    for kind, auth in keys.items():
        signers[f"requests-aws4auth {kind}"] = _requests(auth)
    return signers


@pytest.fixture
def realtime_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "realtime"
    monkeypatch.setenv(ENV_VAR, str(path))
    yield path
    endpoint_offsets.forget()
    clock.forget()


def _real_time_is(path: Path, seconds: float) -> None:
    path.write_text(f"{seconds:.6f}\n")
    clock.forget()


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(real=real_times, offset=offsets, chosen=chosen_times, key_age=key_ages)
# A second before midnight, the endpoint a second past it (the smallest offset learned
# is 241 s: four minutes and a second).
@example(real=19697 * DAY - 1, offset=241, chosen=None, key_age=0)
@example(real=19697 * DAY + 1, offset=-241, chosen=None, key_age=0)
# A key made yesterday, a chosen 29 February's last second and a year's.
@example(real=19697 * DAY + 30, offset=0, chosen=19782 * DAY - 1.5, key_age=DAY)
@example(real=19697 * DAY + 30, offset=3600, chosen=20089 * DAY - 0.25, key_age=0)
def test_every_scope_date_is_the_date_of_its_time_stamp(
    realtime_file: Path, real: int, offset: int, chosen: float | None, key_age: int
) -> None:
    endpoint_offsets.forget()
    _real_time_is(realtime_file, real - key_age)
    with realtime_signing():
        keys = _made_keys()
    _real_time_is(realtime_file, real)
    if offset:
        assert endpoint_offsets.learn(URL, real + offset, real)
    block = (
        signing_time(at=datetime.datetime.fromtimestamp(chosen, UTC))
        if chosen is not None
        else realtime_signing()
    )
    with realtime_signing(), block:
        signed = {name: sign() for name, sign in _signers(keys).items()}

    def stamp(name: str) -> str:
        # aws-request-signer's POST policy is not told its endpoint: the real time.
        seconds = real + (0 if name in NOT_FOR_AN_ENDPOINT else offset)
        moment = seconds if chosen is None else chosen
        return datetime.datetime.fromtimestamp(moment, UTC).strftime(AMZ)

    wrong = {
        name: {"scope": scope, "X-Amz-Date": amz, "expected": stamp(name)}
        for name, (scope, amz) in signed.items()
        if scope != amz[:8] or amz != stamp(name)
    }
    assert wrong == {}, json.dumps(wrong)


def test_one_signature_reads_a_changing_chosen_time_once() -> None:
    """A signing_time(at=f) whose f moves on a second at each call, from a second before a
    midnight: requests-aws4auth's key and its request take the same answer, not one each."""
    calls: list[float] = []
    start = 19697 * DAY - 1

    def moving() -> datetime.datetime:
        calls.append(start + len(calls))
        return datetime.datetime.fromtimestamp(calls[-1], UTC)

    auth = StrictAWS4Auth(KEY, SECRET, REGION, "es")
    with signing_time(at=moving):
        scope, amz = _requests(auth)()
    assert calls == [start]
    assert (scope, amz) == ("20231205", "20231205T235959Z")
