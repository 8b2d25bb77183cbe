"""A program that signs with the AWS signers that are not botocore, run in a subprocess.

    python other_signers_client.py SCENARIO '{"endpoint": URL, "patch": "import", ...}'

It prints one JSON document: what each signer's request gave (accepted, or
what the endpoint answered). Like client.py, it imports nothing from the
tests. Its signers are imported at their first use, so that a program that
never imports botocore stays one.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import json
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any, Callable
from urllib.parse import urlsplit

ACCESS_KEY = "AKIDEXAMPLELOCAL0001"
SECRET_KEY = "local/endpoint/secret/key/EXAMPLEKEY00"
REGION = "eu-west-1"
OPTIONS: dict[str, Any] = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
ENDPOINT = OPTIONS.get("endpoint", "")
HOST = urlsplit(ENDPOINT).netloc
API = ENDPOINT + "/prod/pets?kind=cat"  # an API Gateway path, signed for execute-api
SEARCH = ENDPOINT + "/_cluster/health"  # an OpenSearch path, signed for es


class Refused(Exception):
    pass


def _check(status: int, body: bytes) -> None:
    if status != 200:
        raise Refused(f"{status} {body[:200].decode(errors='replace')}")


def _requests_get(url: str, **kwargs: Any) -> None:
    import requests

    response = requests.get(url, timeout=30, **kwargs)
    _check(response.status_code, response.content)


def requests_aws4auth(kind: str = "AWS4Auth") -> Callable[[], None]:
    def sign() -> None:
        import requests_aws4auth

        auth = getattr(requests_aws4auth, kind)(ACCESS_KEY, SECRET_KEY, REGION, "es")
        _requests_get(SEARCH, auth=auth)

    return sign


def aws_requests_auth() -> None:
    from aws_requests_auth.aws_auth import AWSRequestsAuth

    auth = AWSRequestsAuth(
        aws_access_key=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        aws_host=HOST,
        aws_region=REGION,
        aws_service="execute-api",
    )
    _requests_get(API, auth=auth)


def requests_auth_aws_sigv4() -> None:
    from requests_auth_aws_sigv4 import AWSSigV4

    auth = AWSSigV4(
        "execute-api",
        region=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )
    _requests_get(API, auth=auth)


def _httpx_auth() -> Any:
    import httpx_auth

    return httpx_auth.AWS4Auth(
        access_id=ACCESS_KEY, secret_key=SECRET_KEY, region=REGION, service="es"
    )


def httpx_auth_sync() -> None:
    import httpx

    response = httpx.get(SEARCH, auth=_httpx_auth(), timeout=30)
    _check(response.status_code, response.content)


def httpx_auth_async() -> None:
    import httpx

    async def main() -> None:
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.get(SEARCH, auth=_httpx_auth())
        _check(response.status_code, response.content)

    asyncio.run(main())


def _request_signer(service: str) -> Any:
    from aws_request_signer import AwsRequestSigner

    return AwsRequestSigner(REGION, ACCESS_KEY, SECRET_KEY, service)


def aws_request_signer_headers() -> None:
    headers = _request_signer("execute-api").sign_with_headers("GET", API)
    _requests_get(API, headers=headers)


def aws_request_signer_requests() -> None:
    from aws_request_signer.requests import AwsAuth

    _requests_get(API, auth=AwsAuth(REGION, ACCESS_KEY, SECRET_KEY, "execute-api"))


def aws_request_signer_presign() -> None:
    from aws_request_signer import UNSIGNED_PAYLOAD

    url = _request_signer("s3").presign_url(
        "GET", ENDPOINT + "/bucket/key.txt", content_hash=UNSIGNED_PAYLOAD, expires=3600
    )
    _requests_get(url)


def aws_request_signer_post() -> None:
    # The policy's expiration is the caller's to write: from a real clock (the test's).
    expiration = datetime.datetime.fromtimestamp(
        OPTIONS["real_now"] + 3600, datetime.timezone.utc
    ).strftime("%Y-%m-%dT%H:%M:%SZ")
    policy = {"expiration": expiration, "conditions": [{"bucket": "bucket"}]}
    fields = _request_signer("s3").sign_s3_post_policy(policy)
    _post_form(ENDPOINT + "/bucket", {"key": "posted.txt", **fields})


def _post_form(url: str, fields: dict[str, str]) -> None:
    boundary = uuid.uuid4().hex
    lines: list[bytes] = []
    for name, value in [*fields.items(), ("file", "hello")]:
        disposition = f'form-data; name="{name}"'
        if name == "file":
            disposition += '; filename="hello.txt"'
        lines += [f"--{boundary}".encode(), f"Content-Disposition: {disposition}".encode()]
        lines += [b"", value.encode()]
    lines += [f"--{boundary}--".encode(), b""]
    request = urllib.request.Request(
        url,
        data=b"\r\n".join(lines),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
    except urllib.error.HTTPError as error:
        raise Refused(f"{error.code} {error.read()[:200].decode(errors='replace')}") from None


def _opensearch_hosts() -> list[dict[str, Any]]:
    parts = urlsplit(ENDPOINT)
    return [{"host": parts.hostname, "port": parts.port}]


def _credentials() -> Any:
    from botocore.credentials import Credentials

    return Credentials(ACCESS_KEY, SECRET_KEY)


def opensearch(kind: str) -> Callable[[], None]:
    def sign() -> None:
        import opensearchpy

        connection = {
            "AWSV4SignerAuth": opensearchpy.RequestsHttpConnection,
            "RequestsAWSV4SignerAuth": opensearchpy.RequestsHttpConnection,
            "Urllib3AWSV4SignerAuth": opensearchpy.Urllib3HttpConnection,
        }[kind]
        client = opensearchpy.OpenSearch(
            hosts=_opensearch_hosts(),
            http_auth=getattr(opensearchpy, kind)(_credentials(), REGION, "es"),
            connection_class=connection,
            max_retries=0,
        )
        client.cluster.health()

    return sign


def opensearch_async() -> None:
    import opensearchpy

    async def main() -> None:
        client = opensearchpy.AsyncOpenSearch(
            hosts=_opensearch_hosts(),
            http_auth=opensearchpy.AWSV4SignerAsyncAuth(_credentials(), REGION, "es"),
            connection_class=opensearchpy.AsyncHttpConnection,
            max_retries=0,
        )
        try:
            await client.cluster.health()
        finally:
            await client.close()

    asyncio.run(main())


SIGNERS: dict[str, Callable[[], None]] = {
    "requests-aws4auth": requests_aws4auth(),
    "requests-aws4auth-strict": requests_aws4auth("StrictAWS4Auth"),
    "requests-aws4auth-passive": requests_aws4auth("PassiveAWS4Auth"),
    "aws-requests-auth": aws_requests_auth,
    "requests-auth-aws-sigv4": requests_auth_aws_sigv4,
    "httpx-auth": httpx_auth_sync,
    "httpx-auth-async": httpx_auth_async,
    "aws-request-signer": aws_request_signer_headers,
    "aws-request-signer-requests": aws_request_signer_requests,
    "aws-request-signer-presign": aws_request_signer_presign,
    "aws-request-signer-post": aws_request_signer_post,
    "opensearch-py": opensearch("AWSV4SignerAuth"),
    "opensearch-py-requests": opensearch("RequestsAWSV4SignerAuth"),
    "opensearch-py-urllib3": opensearch("Urllib3AWSV4SignerAuth"),
    "opensearch-py-async": opensearch_async,
}


def _s3_https_signers() -> dict[str, Callable[[], None]]:
    """requests-aws4auth and httpx-auth (sync, async) listing SeaweedFS's buckets on HTTPS."""
    key, secret, ca = OPTIONS["access_key"], OPTIONS["secret_key"], OPTIONS["ca_bundle"]
    url = ENDPOINT + "/"

    def aws4auth() -> None:
        import requests_aws4auth

        _requests_get(
            url, auth=requests_aws4auth.AWS4Auth(key, secret, "us-east-1", "s3"), verify=ca
        )

    def httpx_auth(asynchronous: bool) -> Callable[[], None]:
        def sign() -> None:
            import httpx
            import httpx_auth

            auth = httpx_auth.AWS4Auth(
                access_id=key, secret_key=secret, region="us-east-1", service="s3"
            )
            if not asynchronous:
                response = httpx.get(url, auth=auth, timeout=30, verify=ca)
            else:

                async def main() -> Any:
                    async with httpx.AsyncClient(timeout=30, verify=ca) as client:
                        return await client.get(url, auth=auth)

                response = asyncio.run(main())
            _check(response.status_code, response.content)

        return sign

    return {
        "requests-aws4auth": aws4auth,
        "httpx-auth": httpx_auth(False),
        "httpx-auth-async": httpx_auth(True),
    }


def scenario_s3_over_https() -> dict[str, Any]:
    """Each signer lists SeaweedFS's buckets over HTTPS, with the library on as OPTIONS says."""
    with patched(OPTIONS["patch"]):
        return {"results": {name: attempt(sign) for name, sign in _s3_https_signers().items()}}


def attempt(call: Callable[[], Any]) -> dict[str, Any]:
    try:
        call()
    except Exception as error:  # noqa: BLE001 - reported to the test
        return {"ok": False, "code": f"{type(error).__name__}: {error}"[:300]}
    return {"ok": True, "code": ""}


@contextlib.contextmanager
def patched(mode: str) -> Iterator[None]:
    """Turn the library on the way the test asks, around the block."""
    if mode == "none":
        yield
    elif mode == "import":
        import libfaketimefs_botocore.patch

        yield
    elif mode == "call":
        import libfaketimefs_botocore

        libfaketimefs_botocore.patch_botocore()
        yield
    elif mode == "context":
        import libfaketimefs_botocore

        with libfaketimefs_botocore.realtime_signing():
            yield
    elif mode == "signing-time-floor":
        # Nothing else on: the block alone, rounding the real time down.
        import libfaketimefs_botocore

        with libfaketimefs_botocore.signing_time(floor=datetime.timedelta(minutes=2)):
            yield
    elif mode == "signing-time-at":
        # The block alone, with the time in OPTIONS["at"] (Unix seconds).
        import libfaketimefs_botocore

        at = datetime.datetime.fromtimestamp(OPTIONS["at"], datetime.timezone.utc)
        with libfaketimefs_botocore.signing_time(at=at):
            yield
    else:
        raise ValueError(mode)


@contextlib.contextmanager
def faked_in_process(name: str, days: int) -> Iterator[None]:
    now = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days)
    if name == "freezegun":
        import freezegun

        with freezegun.freeze_time(now):
            yield
    elif name == "time-machine":
        import time_machine

        with time_machine.travel(now, tick=False):
            yield
    else:
        raise ValueError(name)


def _botocore_call() -> None:
    import boto3

    boto3.client(
        "sts",
        endpoint_url=ENDPOINT,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    ).get_caller_identity()


def _first_import_of_botocore() -> list[str]:
    """Who imported botocore first: ["program"], ["libfaketimefs_botocore"], or nothing yet."""
    first: list[str] = []

    class Watch:
        def find_spec(self, name: str, *args: Any) -> None:
            if name == "botocore" and not first:
                first.append(
                    "libfaketimefs_botocore"
                    if "libfaketimefs_botocore" in sys.modules
                    else "program"
                )

    sys.meta_path.insert(0, Watch())  # type: ignore[arg-type]
    return first


def scenario_sign() -> dict[str, Any]:
    """Each signer in OPTIONS["signers"], with the library on as OPTIONS["patch"] says."""
    first = _first_import_of_botocore()
    with patched(OPTIONS["patch"]):
        if OPTIONS.get("learn_first"):
            # botocore learns the endpoint's clock from its refusal; the others use it.
            _botocore_call()
        results = {name: attempt(SIGNERS[name]) for name in OPTIONS["signers"]}
    return {
        "results": results,
        "fake": time.time(),
        "imported_botocore_first": first == ["program"],
    }


def scenario_faker_sign() -> dict[str, Any]:
    """Each signer under freezegun or time-machine: outside realtime_signing, then inside."""
    import libfaketimefs_botocore

    signers = OPTIONS["signers"]
    with faked_in_process(OPTIONS["faker"], OPTIONS["days"]):
        outside = {name: attempt(SIGNERS[name]) for name in signers}
        # The frozen fake time, read before the library is on.
        fake_year = datetime.datetime.fromtimestamp(time.time()).year
        with libfaketimefs_botocore.realtime_signing():
            inside = {name: attempt(SIGNERS[name]) for name in signers}
            program_year = datetime.date.today().year
    return {
        "outside": outside,
        "inside": inside,
        "program_year": program_year,
        "fake_year": fake_year,
    }


def scenario_aws4auth_keys() -> dict[str, Any]:
    """requests-aws4auth's three classes, their keys made in one state, used in another.

    OPTIONS["made"]: "before-install" (the wrap points not yet installed),
    "switch-off" (installed, the switch off) or "switch-on" (inside
    realtime_signing(), on the real date); OPTIONS["secret"]: whether the key
    keeps its secret key; OPTIONS["patch"]: how the library is on when they
    sign ("context" unless given).
    """
    import requests
    import requests_aws4auth

    import libfaketimefs_botocore

    if OPTIONS["made"] == "switch-off":
        from libfaketimefs_botocore import integrations, wrapping

        wrapping.install(integrations.WRAP_POINTS)
    made_on = (
        libfaketimefs_botocore.realtime_signing()
        if OPTIONS["made"] == "switch-on"
        else contextlib.nullcontext()
    )
    auths = {}
    with made_on:
        for kind in ("AWS4Auth", "StrictAWS4Auth", "PassiveAWS4Auth"):
            if OPTIONS["secret"]:
                auths[kind] = getattr(requests_aws4auth, kind)(ACCESS_KEY, SECRET_KEY, REGION, "es")
            else:
                key = requests_aws4auth.AWS4SigningKey(SECRET_KEY, REGION, "es", None, False)
                auths[kind] = getattr(requests_aws4auth, kind)(ACCESS_KEY, key)
    made_for = {kind: auth.signing_key.date for kind, auth in auths.items()}
    results = {}
    with patched(OPTIONS.get("patch", "context")):
        if OPTIONS.get("learn_first"):
            _botocore_call()
        for kind, auth in auths.items():
            results[kind] = attempt(lambda auth=auth: _check_response(requests, auth))
    return {"made_for": made_for, "results": results}


def _check_response(requests: Any, auth: Any) -> None:
    response = requests.get(SEARCH, auth=auth, timeout=30)
    _check(response.status_code, response.content)


def scenario_freezegun_stop() -> dict[str, Any]:
    """The library turned on during a freeze; the key dates made after the freeze ends.

    OPTIONS["imported"]: "before" the freeze, or "during" it.
    """
    import freezegun

    import libfaketimefs_botocore

    if OPTIONS["imported"] == "before":
        import requests_aws4auth
    freezer = freezegun.freeze_time("2001-02-03 04:05:06")
    freezer.start()
    if OPTIONS["imported"] == "during":
        import requests_aws4auth
    libfaketimefs_botocore.patch_botocore()
    during = requests_aws4auth.AWS4SigningKey(SECRET_KEY, REGION, "es").date
    freezer.stop()
    after = requests_aws4auth.AWS4SigningKey(SECRET_KEY, REGION, "es").date
    return {"during": during, "after": after, "sign": attempt(SIGNERS["requests-aws4auth"])}


if __name__ == "__main__":
    print(json.dumps(globals()["scenario_" + sys.argv[1].replace("-", "_")]()))
