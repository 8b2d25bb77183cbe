"""Each botocore clock read, in this process, against a realtime file far from the process clock.

The file says two years from now: whatever reads it is told apart from what
reads the process clock at a glance, without libfaketime. The end-to-end
tests do the same under the real libfaketime and libfaketimefs.
"""

from __future__ import annotations

import base64
import datetime
import importlib.util
import inspect
import json
import os
import time
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

import botocore
import botocore.auth
import botocore.credentials
import botocore.session
import botocore.tokens
import botocore.utils
import pytest
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials, RefreshableCredentials

from libfaketimefs_botocore import RealtimeError, clock, integrations, realtime_signing, wrapping
from libfaketimefs_botocore.clock import ENV_VAR
from libfaketimefs_botocore.clock.kernel import KernelClock
from libfaketimefs_botocore.stand_ins import STAND_IN_TYPES
from libfaketimefs_botocore.state.switch import SWITCH
from tests.harness.endpoint import ACCESS_KEY, SECRET_KEY, Endpoint

# What a matrix session's pins change: run there too (see noxfile.py).
pytestmark = pytest.mark.pins

HAS_AWSCRT = importlib.util.find_spec("awscrt") is not None
HAS_AIOBOTOCORE = importlib.util.find_spec("aiobotocore") is not None
AHEAD = 2 * 365 * 86400
UTC = datetime.timezone.utc
CREDENTIALS = Credentials("AKIDEXAMPLE", "secret")


@pytest.fixture
def realtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[float]:
    """A realtime file two years ahead of the process clock, and the switch on."""
    seconds = float(int(time.time()) + AHEAD)
    path = tmp_path / "realtime"
    path.write_text(f"{seconds:.6f}\n")
    monkeypatch.setenv(ENV_VAR, str(path))
    with realtime_signing():
        yield seconds


def near(value: float, expected: float, slack: float = 5) -> bool:
    return abs(value - expected) < slack


def amz(value: str) -> float:
    return datetime.datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp()


def default_time_fetcher(cls: type) -> Callable[[], datetime.datetime]:
    """The clock function bound as a default argument when botocore was imported."""
    fetcher = inspect.signature(cls.__init__).parameters["time_fetcher"].default
    assert callable(fetcher)
    return fetcher  # type: ignore[no-any-return]


def signed(signer: botocore.auth.BaseSigner, url: str = "https://sts.amazonaws.com/") -> AWSRequest:
    request = AWSRequest(method="GET", url=url)
    signer.add_auth(request)
    return request


def test_sigv4_header(realtime: float) -> None:
    request = signed(botocore.auth.SigV4Auth(CREDENTIALS, "sts", "us-east-1"))
    assert near(amz(request.headers["X-Amz-Date"]), realtime)
    assert request.context["timestamp"] == request.headers["X-Amz-Date"]


def test_sigv4_query_and_s3(realtime: float) -> None:
    for signer_class in (botocore.auth.SigV4QueryAuth, botocore.auth.S3SigV4QueryAuth):
        request = signed(signer_class(CREDENTIALS, "s3", "us-east-1", expires=60))
        query = parse_qs(urlsplit(request.url).query)
        assert near(amz(query["X-Amz-Date"][0]), realtime)
    request = signed(botocore.auth.S3SigV4Auth(CREDENTIALS, "s3", "us-east-1"))
    assert near(amz(request.headers["X-Amz-Date"]), realtime)


def test_sigv2(realtime: float) -> None:
    request = AWSRequest(method="POST", url="https://sdb.amazonaws.com/", data={"Action": "X"})
    botocore.auth.SigV2Auth(CREDENTIALS).add_auth(request)
    data = request.data
    stamp = data["Timestamp"] if isinstance(data, dict) else parse_qs(data)["Timestamp"][0]
    parsed = datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert near(parsed.timestamp(), realtime)


def test_sigv3_and_hmacv1_date(realtime: float) -> None:
    for signer in (botocore.auth.SigV3Auth(CREDENTIALS), botocore.auth.HmacV1Auth(CREDENTIALS)):
        request = signed(signer, "https://bucket.s3.amazonaws.com/key")
        assert near(parsedate_to_datetime(request.headers["Date"]).timestamp(), realtime)


def test_hmacv1_presigned_expires(realtime: float) -> None:
    request = signed(
        botocore.auth.HmacV1QueryAuth(CREDENTIALS, expires=3600), "https://b.s3.amazonaws.com/k"
    )
    expires = int(parse_qs(urlsplit(request.url).query)["Expires"][0])
    assert near(expires, realtime + 3600)


def test_formatdate_with_a_time_passes_through(realtime: float) -> None:
    assert botocore.auth.formatdate(0, usegmt=True) == "Thu, 01 Jan 1970 00:00:00 GMT"


def _policy_expiration(post: dict[str, object]) -> float:
    fields = post["fields"]
    assert isinstance(fields, dict)
    policy = json.loads(base64.b64decode(fields["policy"]))
    stamp = policy["expiration"].replace("Z", "")
    return datetime.datetime.fromisoformat(stamp).replace(tzinfo=UTC).timestamp()


@pytest.mark.parametrize("signature_version", ["s3v4", "s3"])
def test_presigned_post_policy(realtime: float, signature_version: str) -> None:
    client = botocore.session.get_session().create_client(
        "s3",
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        config=botocore.config.Config(signature_version=signature_version),
    )
    post = client.generate_presigned_post("bucket", "key", ExpiresIn=600)
    assert near(_policy_expiration(post), realtime + 600)


@pytest.mark.skipif(not HAS_AWSCRT, reason="awscrt is not installed")
def test_crt_signers(realtime: float) -> None:
    import botocore.crt.auth

    request = signed(botocore.crt.auth.CrtSigV4Auth(CREDENTIALS, "sts", "us-east-1"))
    assert near(amz(request.headers["X-Amz-Date"]), realtime)
    request = signed(botocore.crt.auth.CrtSigV4AsymAuth(CREDENTIALS, "sts", "us-east-1"))
    assert near(amz(request.headers["X-Amz-Date"]), realtime)
    request = signed(botocore.crt.auth.CrtS3SigV4QueryAuth(CREDENTIALS, "s3", "us-east-1", 60))
    assert near(amz(parse_qs(urlsplit(request.url).query)["X-Amz-Date"][0]), realtime)


def test_local_now_everywhere_it_is_bound(realtime: float) -> None:
    now = botocore.credentials._local_now()
    assert now.tzinfo is not None
    assert near(now.timestamp(), realtime)
    assert near(default_time_fetcher(RefreshableCredentials)().timestamp(), realtime)


def test_refreshable_credentials_made_before_the_switch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Expires a year from now by the process clock, a year ago by the file.
    expiry = datetime.datetime.now(UTC) + datetime.timedelta(days=365)
    refreshes: list[int] = []

    def refresh() -> dict[str, str]:
        refreshes.append(1)
        return {
            "access_key": "AKID2",
            "secret_key": "secret2",
            "token": "token2",
            "expiry_time": (expiry + datetime.timedelta(days=800)).isoformat(),
        }

    credentials = RefreshableCredentials.create_from_metadata(
        {"access_key": "A", "secret_key": "S", "token": "T", "expiry_time": expiry.isoformat()},
        refresh_using=refresh,
        method="test",
    )
    assert not credentials.refresh_needed()
    path = tmp_path / "realtime"
    path.write_text(str(time.time() + AHEAD))
    monkeypatch.setenv(ENV_VAR, str(path))
    with realtime_signing():
        assert credentials.refresh_needed()
        assert credentials.get_frozen_credentials().access_key == "AKID2"
    assert refreshes == [1]


def test_cached_credential_fetcher_expiry(realtime: float) -> None:
    class Fetcher(botocore.credentials.CachedCredentialFetcher):  # type: ignore[misc]
        def _create_cache_key(self) -> str:
            return "key"

    fetcher = Fetcher(cache={})
    year_ahead = (datetime.datetime.now(UTC) + datetime.timedelta(days=365)).isoformat()
    assert fetcher._is_expired({"Credentials": {"Expiration": year_ahead}})


def test_sso_token_clock(realtime: float) -> None:
    assert near(botocore.tokens._utc_now().timestamp(), realtime)
    token_class = botocore.tokens.DeferredRefreshableToken
    assert near(default_time_fetcher(token_class)().timestamp(), realtime)
    assert isinstance(datetime.datetime.now(), botocore.tokens.datetime)


def test_imds_expiration_check(realtime: float) -> None:
    fetcher = botocore.utils.InstanceMetadataFetcher()
    in_a_year = datetime.datetime.now(UTC) + datetime.timedelta(days=365)
    credentials = {"expiry_time": in_a_year.strftime("%Y-%m-%dT%H:%M:%SZ")}
    fetcher._evaluate_expiration(credentials)
    extended = datetime.datetime.strptime(credentials["expiry_time"], "%Y-%m-%dT%H:%M:%SZ")
    # Past by the real clock, so botocore extends it from the real time.
    assert realtime < extended.replace(tzinfo=UTC).timestamp() < realtime + 1800


def _crt_has_ec() -> bool:
    try:
        from awscrt.crypto import EC  # noqa: F401
    except ImportError:
        return False
    return True


_HAS_CRT_EC = HAS_AWSCRT and _crt_has_ec()


@pytest.mark.skipif(
    not (HAS_AWSCRT and hasattr(botocore.credentials, "_build_dpop_header") and _HAS_CRT_EC),
    reason="login DPoP needs botocore >= 1.41 and an awscrt with crypto.EC",
)
def test_login_dpop_iat(realtime: float) -> None:
    from awscrt.crypto import EC, ECType

    key = EC.new_generate(ECType.P_256)
    header = botocore.credentials._build_dpop_header(key, "https://signin.example/")
    payload = header.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert near(claims["iat"], realtime)
    header = botocore.credentials._build_dpop_header(key, "https://x/", ts=1234)
    payload = header.split(".")[1]
    assert json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["iat"] == 1234


@pytest.mark.skipif(not HAS_AIOBOTOCORE, reason="aiobotocore is not installed")
def test_aiobotocore_bindings(realtime: float) -> None:
    import aiobotocore.credentials
    import aiobotocore.signers
    import aiobotocore.tokens

    assert near(aiobotocore.credentials._local_now().timestamp(), realtime)
    assert near(aiobotocore.tokens._utc_now().timestamp(), realtime)
    credentials_class = aiobotocore.credentials.AioDeferredRefreshableCredentials
    assert near(default_time_fetcher(credentials_class)().timestamp(), realtime)
    signers = aiobotocore.signers
    if hasattr(signers, "get_current_datetime"):
        now = signers.get_current_datetime()
    else:
        now = signers.datetime.datetime.utcnow()
    assert near(now.replace(tzinfo=UTC).timestamp(), realtime)


def test_nothing_else_reads_the_real_time(realtime: float) -> None:
    process_now = time.time()
    assert near(time.time(), process_now)
    assert near(datetime.datetime.now().timestamp(), process_now)
    assert near(datetime.datetime.now(UTC).timestamp(), process_now)
    assert near(time.mktime(time.gmtime()) - time.mktime(time.gmtime(0)), process_now)
    if hasattr(botocore.compat, "get_current_datetime"):
        now = botocore.compat.get_current_datetime()
        assert near(now.replace(tzinfo=UTC).timestamp(), process_now)
    from botocore.retries.bucket import Clock

    assert near(Clock().current_time(), process_now)
    # Datetimes that botocore builds and parses stay plain datetimes.
    parsed = botocore.utils.parse_timestamp("2030-01-01T00:00:00Z")
    assert type(parsed) is datetime.datetime
    assert isinstance(parsed, botocore.credentials.datetime.datetime)


def test_switch_off_means_the_process_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if SWITCH.held_for_good:
        pytest.skip("the switch is held for good in this process")
    wrapping.install(integrations.WRAP_POINTS)
    path = tmp_path / "realtime"
    path.write_text(str(time.time() + AHEAD))
    monkeypatch.setenv(ENV_VAR, str(path))
    request = signed(botocore.auth.SigV4Auth(CREDENTIALS, "sts", "us-east-1"))
    assert near(amz(request.headers["X-Amz-Date"]), time.time())
    assert near(botocore.credentials._local_now().timestamp(), time.time())


def test_no_variable_means_the_kernel_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    with realtime_signing():
        request = signed(botocore.auth.SigV4Auth(CREDENTIALS, "sts", "us-east-1"))
        assert near(amz(request.headers["X-Amz-Date"]), clock.kernel_clock().read())
        assert near(botocore.tokens._utc_now().timestamp(), time.time())


def test_no_variable_and_no_kernel_clock_means_the_process_clock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setattr(clock, "_kernel", KernelClock(None, "not here"))
    monkeypatch.setattr(time, "time", lambda: 1e9)  # a faked process clock
    with realtime_signing():
        request = signed(botocore.auth.HmacV1QueryAuth(CREDENTIALS, expires=60), "https://b/k")
        assert parse_qs(urlsplit(request.url).query)["Expires"] == [str(int(1e9) + 60)]


def test_broken_file_raises_instead_of_signing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "realtime"
    path.write_text("yesterday")
    monkeypatch.setenv(ENV_VAR, str(path))
    request = AWSRequest(method="GET", url="https://sts.amazonaws.com/")
    with realtime_signing(), pytest.raises(RealtimeError, match="yesterday"):
        botocore.auth.SigV4Auth(CREDENTIALS, "sts", "us-east-1").add_auth(request)
    assert "Authorization" not in request.headers
    with realtime_signing(), pytest.raises(RealtimeError):
        botocore.credentials._local_now()


def test_installed_once() -> None:
    wrapping.install(integrations.WRAP_POINTS)
    wrapping.install(integrations.WRAP_POINTS)
    wrapping._wrap_module(botocore.auth)
    for point in integrations.WRAP_POINTS:
        status = next(s for s in wrapping.statuses(integrations.WRAP_POINTS) if s.point == point)
        assert status.status in ("wrapped", "not imported", "not in this release"), point
    stand_in = botocore.auth.formatdate
    assert isinstance(stand_in, STAND_IN_TYPES)
    assert not isinstance(stand_in.__wrapped__, STAND_IN_TYPES)


@pytest.fixture
def reads(realtime: float, file_reads: list[str]) -> list[str]:
    """Every read of the realtime file, the switch on."""
    return file_reads


def _file_at(offset: float) -> Path:
    """A realtime file beside the fixture's, ``offset`` seconds from the process clock."""
    path = Path(os.environ[ENV_VAR]).with_name("near")
    path.write_text(f"{time.time() + offset:.6f}\n")
    return path


def test_one_read_per_signature_of_a_file_that_disagrees(reads: list[str]) -> None:
    signed(botocore.auth.SigV4Auth(CREDENTIALS, "sts", "us-east-1"))
    assert len(reads) == 1
    client = botocore.session.get_session().create_client(
        "s3", region_name="us-east-1", aws_access_key_id="AKID", aws_secret_access_key="secret"
    )
    client.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"})
    reads.clear()
    client.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"})
    assert len(reads) == 1


def _sts_with_refreshable_credentials(endpoint: Endpoint) -> Any:
    expiry = datetime.datetime.now(UTC) + datetime.timedelta(hours=1)
    credentials = RefreshableCredentials.create_from_metadata(
        {
            "access_key": ACCESS_KEY,
            "secret_key": SECRET_KEY,
            "token": None,
            "expiry_time": expiry.isoformat(),
        },
        refresh_using=dict,
        method="test",
    )
    session = botocore.session.get_session()
    session._credentials = credentials
    return session.create_client("sts", endpoint_url=endpoint.url, region_name="us-east-1")


def test_two_reads_per_api_call_with_a_file_that_disagrees(
    reads: list[str], endpoint: Endpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Thirty seconds off the kernel clock: read at every clock read, and
    # still within the endpoint's five minutes.
    monkeypatch.setenv(ENV_VAR, str(_file_at(-30)))
    sts = _sts_with_refreshable_credentials(endpoint)
    sts.get_caller_identity()
    reads.clear()
    sts.get_caller_identity()
    # One expiry check of the credentials, one signature.
    assert len(reads) == 2
    assert [verdict.accepted for verdict in endpoint.state.verdicts] == [True, True]


def test_a_file_that_agrees_is_read_once_for_many_calls(
    reads: list[str], endpoint: Endpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, str(_file_at(0)))
    sts = _sts_with_refreshable_credentials(endpoint)
    for _ in range(5):
        sts.get_caller_identity()
    # Within the second after it was checked, the kernel clock answers.
    assert len(reads) == 1
    assert [verdict.accepted for verdict in endpoint.state.verdicts] == [True] * 5


def test_mock_patch_through_a_datetime_stand_in_is_as_without_the_library() -> None:
    """mock.patch('botocore.credentials.datetime.datetime'), as botocore's own tests do it."""
    from unittest import mock

    wrapping.install(integrations.WRAP_POINTS)
    assert isinstance(botocore.credentials.datetime, STAND_IN_TYPES)
    fixed = datetime.datetime(2014, 3, 10, 17, 2, 55, tzinfo=UTC)
    with mock.patch("botocore.credentials.datetime.datetime") as patched:
        patched.now.return_value = fixed
        assert datetime.datetime is patched  # set where botocore's own name would set it
        assert botocore.credentials._local_now() == fixed  # the switch is off: the mock answers
    assert datetime.datetime is type(datetime.datetime.min)
    assert botocore.credentials.datetime.datetime is datetime.datetime
