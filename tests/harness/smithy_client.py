"""A program that signs with AWS's signers that are not botocore's: aws-sdk-signers (under the
smithy-python SDKs), a smithy-python client (Bedrock Runtime), awscrt's signer with no date, and
the event-stream signers; run under the faked clock by tests/end_to_end/test_smithy_signers.py.

    python smithy_client.py SCENARIO '{"endpoint": URL, "patch": "import", ...}'

It prints one JSON document and must not import anything from the tests. aws-sdk-signers and
the smithy packages need Python 3.12; awscrt and amazon-transcribe do not.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import json
import os
import ssl
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any, Callable
from urllib.parse import urlsplit

OPTIONS: dict[str, Any] = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
UTC = datetime.timezone.utc
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def send(method: str, url: str, headers: dict[str, str], body: bytes = b"") -> tuple[int, str]:
    request = urllib.request.Request(url, data=body or None, headers=headers, method=method)
    ca_bundle = os.environ.get("AWS_CA_BUNDLE")  # HTTPS: the tests' CA
    context = None if ca_bundle is None else ssl.create_default_context(cafile=ca_bundle)
    try:
        with urllib.request.urlopen(request, timeout=30, context=context) as answer:
            return answer.status, answer.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        text = error.read().decode(errors="replace")
        start, end = text.find("<Code>"), text.find("</Code>")
        return error.code, text[start + 6 : end] if start >= 0 else text[:200]


def outcome(status: int, text: str) -> dict[str, Any]:
    ok = 200 <= status < 300
    return {"ok": ok, "code": "" if ok else text}


def _object_url(key: str) -> str:
    return f"{OPTIONS['endpoint']}/{OPTIONS['bucket']}/{key}"


# --- aws-sdk-signers -------------------------------------------------------------


def _smithy_request(method: str, url: str, body: bytes) -> Any:
    import hashlib

    from aws_sdk_signers import URI, AWSRequest, Field, Fields

    parts = urlsplit(url)
    fields = Fields([Field(name="x-amz-content-sha256", values=[hashlib.sha256(body).hexdigest()])])
    destination = URI(
        scheme=parts.scheme, host=parts.hostname or "", port=parts.port, path=parts.path
    )
    return AWSRequest(destination=destination, method=method, body=[body], fields=fields)


def _identity() -> Any:
    from aws_sdk_signers import AWSCredentialIdentity

    return AWSCredentialIdentity(
        access_key_id=OPTIONS["access_key"], secret_access_key=OPTIONS["secret_key"]
    )


def _headers_of(signed: Any) -> dict[str, str]:
    return {field.name: ",".join(field.values) for field in signed.fields}


def _put_get(sign: Callable[[Any], Any], key: str) -> dict[str, Any]:
    """PUT an object and GET it back, each request signed by ``sign``."""
    body = f"signed by {key}".encode()
    signed = sign(_smithy_request("PUT", _object_url(key), body))
    status, text = send("PUT", _object_url(key), _headers_of(signed), body)
    if status != 200:
        return outcome(status, text)
    signed = sign(_smithy_request("GET", _object_url(key), b""))
    status, text = send("GET", _object_url(key), _headers_of(signed))
    if status == 200 and text != body.decode():
        return {"ok": False, "code": f"got {text!r}"}
    return outcome(status, text)


def _properties() -> Any:
    return {"region": "us-east-1", "service": "s3"}


def sigv4_signer() -> dict[str, Any]:
    from aws_sdk_signers import SigV4Signer

    signer = SigV4Signer()
    return _put_get(
        lambda request: signer.sign(
            request=request, identity=_identity(), properties=_properties()
        ),
        "sigv4-signer",
    )


def async_sigv4_signer() -> dict[str, Any]:
    from aws_sdk_signers import AsyncSigV4Signer

    signer = AsyncSigV4Signer()

    def sign(request: Any) -> Any:
        return asyncio.run(
            signer.sign(request=request, identity=_identity(), properties=_properties())
        )

    return _put_get(sign, "async-sigv4-signer")


def _expiry_judged(module: str) -> dict[str, Any]:
    """Credentials that expire an hour from the real time, and ones that expired an hour ago."""
    real = OPTIONS["real_now"]
    if module == "aws_sdk_signers":
        from aws_sdk_signers import AWSCredentialIdentity as Identity
    else:
        from smithy_aws_core.identity import AWSCredentialsIdentity as Identity
    judged = {}
    for name, offset in (("valid", 3600), ("expired", -3600)):
        expiration = datetime.datetime.fromtimestamp(real + offset, UTC)
        identity = Identity(access_key_id="AK", secret_access_key="SK", expiration=expiration)
        judged[name] = identity.is_expired
    ok = judged == {"valid": False, "expired": True}
    return {"ok": ok, "code": "" if ok else json.dumps(judged)}


# --- a smithy-python client ---------------------------------------------------------


def bedrock_runtime() -> dict[str, Any]:
    """Bedrock Runtime's ListAsyncInvokes against the verifying endpoint."""
    from aws_sdk_bedrock_runtime.client import AsyncBedrockRuntimeClient
    from aws_sdk_bedrock_runtime.config import AsyncBedrockRuntimeConfig
    from aws_sdk_bedrock_runtime.models import ListAsyncInvokesInput

    async def call() -> None:
        config = await AsyncBedrockRuntimeConfig.resolve(
            endpoint_uri=OPTIONS["verifier"],
            region="us-east-1",
            aws_access_key_id=OPTIONS["verifier_access_key"],
            aws_secret_access_key=OPTIONS["verifier_secret_key"],
            max_attempts=1,
        )
        client = AsyncBedrockRuntimeClient(config=config)
        try:
            await client.list_async_invokes(ListAsyncInvokesInput())
        finally:
            transport = getattr(client._config, "transport", None)
            session = getattr(transport, "_session", None)
            if session is not None:
                await session.close()

    try:
        asyncio.run(call())
    except Exception as error:  # noqa: BLE001 - reported to the test
        code = getattr(error, "code", None) or getattr(error, "error_code", None)
        return {"ok": False, "code": str(code or type(error).__name__)}
    return {"ok": True, "code": ""}


# --- awscrt's signer, with no date --------------------------------------------------


def crt_signer() -> dict[str, Any]:
    from awscrt import auth, http

    credentials = auth.AwsCredentialsProvider.new_static(
        OPTIONS["access_key"], OPTIONS["secret_key"]
    )

    def sign(method: str, key: str, body: bytes) -> dict[str, str]:
        parts = urlsplit(_object_url(key))
        request = http.HttpRequest(
            method, parts.path, http.HttpHeaders([("Host", parts.netloc)]), None
        )
        config = auth.AwsSigningConfig(  # no date: awscrt takes the time now
            algorithm=auth.AwsSigningAlgorithm.V4,
            signature_type=auth.AwsSignatureType.HTTP_REQUEST_HEADERS,
            credentials_provider=credentials,
            region="us-east-1",
            service="s3",
            signed_body_value=auth.AwsSignedBodyValue.UNSIGNED_PAYLOAD,
            signed_body_header_type=auth.AwsSignedBodyHeaderType.X_AMZ_CONTENT_SHA_256,
        )
        auth.aws_sign_request(request, config).result(30)
        return dict(request.headers)

    body = b"signed by awscrt"
    status, text = send("PUT", _object_url("crt"), sign("PUT", "crt", body), body)
    if status != 200:
        return outcome(status, text)
    return outcome(*send("GET", _object_url("crt"), sign("GET", "crt", b"")))


# --- the event-stream signers: each event's :date ------------------------------------


def _date_is_real(date: datetime.datetime) -> dict[str, Any]:
    off = date.timestamp() - OPTIONS["real_now"]
    ok = abs(off) < 120
    return {"ok": ok, "code": "" if ok else f":date {date.isoformat()} is {off:+.0f} s off"}


def event_signer() -> dict[str, Any]:
    from aws_sdk_signers import AsyncEventSigner
    from smithy_aws_event_stream.events import EventHeaderEncoder, EventMessage

    async def sign() -> Any:
        signer = AsyncEventSigner(initial_signature=b"0" * 64, event_encoder_cls=EventHeaderEncoder)
        return await signer.sign(
            event=EventMessage(payload=b"audio"),
            identity=_identity(),
            properties={"region": "us-east-1", "service": "transcribe"},
        )

    return _date_is_real(asyncio.run(sign()).headers[":date"])


def transcribe_event_signer() -> dict[str, Any]:
    from amazon_transcribe.auth import Credentials
    from amazon_transcribe.eventstream import EventSigner

    signer = EventSigner("transcribe", "us-east-1")
    headers = signer.sign(b"audio", b"0" * 64, Credentials("AK", "SK"))
    return _date_is_real(headers[":date"])


def botocore_learns() -> dict[str, Any]:
    """An STS call to the verifying endpoint: refused, its clock learned, sent again."""
    import boto3

    sts = boto3.client(
        "sts",
        endpoint_url=OPTIONS["verifier"],
        region_name="us-east-1",
        aws_access_key_id=OPTIONS["verifier_access_key"],
        aws_secret_access_key=OPTIONS["verifier_secret_key"],
    )
    sts.get_caller_identity()
    return {"ok": True, "code": ""}


CALLS: dict[str, Callable[[], dict[str, Any]]] = {
    "botocore-learns": botocore_learns,
    "sigv4-signer": sigv4_signer,
    "async-sigv4-signer": async_sigv4_signer,
    "aws-sdk-signers-expiry": lambda: _expiry_judged("aws_sdk_signers"),
    "smithy-expiry": lambda: _expiry_judged("smithy_aws_core"),
    "bedrock-runtime": bedrock_runtime,
    "crt-signer": crt_signer,
    "event-signer": event_signer,
    "transcribe-event-signer": transcribe_event_signer,
}


@contextlib.contextmanager
def patched(mode: str) -> Iterator[None]:
    if mode in ("none", "autopatch"):  # autopatch: the start-up hook, from the environment
        yield
    elif mode == "import":
        import libfaketimefs_botocore.patch

        yield
    elif mode == "context":
        import libfaketimefs_botocore

        with libfaketimefs_botocore.realtime_signing():
            yield
    else:
        raise ValueError(mode)


@contextlib.contextmanager
def faked_in_process(faker: dict[str, Any] | None) -> Iterator[None]:
    if faker is None:
        yield
        return
    moment = datetime.datetime.now(UTC) + datetime.timedelta(days=faker["days"])
    if faker["name"] == "freezegun":
        import freezegun

        with freezegun.freeze_time(moment):
            yield
    else:
        import time_machine

        with time_machine.travel(moment, tick=False):
            yield


def scenario_sign() -> dict[str, Any]:
    results = {}
    with faked_in_process(OPTIONS.get("faker")), patched(OPTIONS["patch"]):
        for name in OPTIONS["calls"]:
            try:
                results[name] = CALLS[name]()
            except Exception as error:  # noqa: BLE001 - reported to the test
                results[name] = {"ok": False, "code": f"{type(error).__name__}: {error}"}
        fake = time.time()
    return {
        "results": results,
        "fake": fake,
        "botocore_imported": "botocore" in sys.modules,
        "python": list(sys.version_info[:2]),
        "realtime_file": os.environ.get("FAKETIME_REALTIME_FILE"),
    }


if __name__ == "__main__":
    print(json.dumps(globals()["scenario_" + sys.argv[1].replace("-", "_")]()))
