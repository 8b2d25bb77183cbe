"""A local stand-in for AWS that checks what AWS checks about time.

It recomputes every signature with botocore's own signer classes and the
known secrets, and on its own (real) clock rejects a request time stamp more
than 300 seconds away, an expired presigned URL or POST policy, and expired
session credentials. It serves just enough of STS, S3 and the EC2 instance
metadata service for boto3 to parse its answers.

One rule is stricter than AWS: a presigned URL or POST policy may be valid
for at most seven days (AWS enforces that for SigV4 only), so that one made
with a clock a year ahead is refused whatever its signature version; and it
is refused seven days after it was signed, whatever its expiration, so that
one signed with a clock a year behind is refused too.

Requests signed for API Gateway (``execute-api``), OpenSearch (``es``,
``aoss``) or Bedrock (``bedrock``), as the signers that are not botocore
send, are answered in REST JSON, as those services do: ``{"message": ...}``, the error in
``x-amzn-ErrorType``, 403 ``InvalidSignatureException`` for a skewed time.

Its clock is the real one plus ``state.clock_offset``, to stand for AWS when
this machine's clock is wrong; every answer's ``Date`` header tells it. A
request refused for its time is answered in AWS's words for its protocol:
query (STS) 403 ``SignatureDoesNotMatch`` "Signature expired: ..." or
"Signature not yet current: ...", JSON (DynamoDB) 400
``InvalidSignatureException`` in the same words, S3 403
``RequestTimeTooSkewed`` with ``RequestTime`` and ``ServerTime``.
"""

from __future__ import annotations

import base64
import datetime
import email.utils
import hashlib
import hmac
import itertools
import json
import os
import re
import threading
import time
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from botocore.auth import (
    HmacV1Auth,
    S3SigV4Auth,
    S3SigV4QueryAuth,
    SigV2Auth,
    SigV4Auth,
    SigV4QueryAuth,
)
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials

from tests.harness.faketime import DAY
from tests.harness.sigv4a import verify_sigv4a

ACCESS_KEY = "AKIDEXAMPLELOCAL0001"
SECRET_KEY = "local/endpoint/secret/key/EXAMPLEKEY00"
SKEW_LIMIT = 300
MAX_PRESIGN = 7 * 24 * 3600
ROLE_NAME = "local-role"
# Set to 1, every clock a test puts off the real time by more than AWS allows
# is put that far past the UTC midnight on its side instead: what a suite run
# between 23:00 and 24:00 UTC sees of "an hour ahead" (Endpoint.put_clock).
ACROSS_MIDNIGHT = "LIBFAKETIMEFS_BOTOCORE_TEST_ACROSS_MIDNIGHT"


def last_midnight(now: float) -> float:
    """The UTC midnight that began the day of ``now``."""
    return now - now % DAY


def across_midnight(offset: float, now: float) -> float:
    """An offset that puts a clock ``abs(offset)`` past the UTC midnight on its side of ``now``:
    ahead, into the next day; behind, into the day before."""
    today = last_midnight(now)
    if offset >= 0:
        return today + DAY + offset - now
    return today + offset - now


class Rejected(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.status, self.code, self.message = status, code, message
        self.extra = ""  # more XML elements of an S3 error

    def for_protocol(self, protocol: str) -> Rejected:
        return self


def _amz(seconds: float) -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(seconds))


class Skewed(Rejected):
    """A request time stamp too far from the endpoint's clock, in AWS's words for each protocol."""

    def __init__(self, signed_at: float, now: float) -> None:
        super().__init__(403, "RequestTimeTooSkewed", "")
        self.signed_at, self.now = signed_at, now

    def for_protocol(self, protocol: str) -> Rejected:
        signed, now, minutes = _amz(self.signed_at), _amz(self.now), SKEW_LIMIT // 60
        if self.signed_at < self.now:
            message = (
                f"Signature expired: {signed} is now earlier than "
                f"{_amz(self.now - SKEW_LIMIT)} ({now} - {minutes} min.)"
            )
        else:
            message = (
                f"Signature not yet current: {signed} is still later than "
                f"{_amz(self.now + SKEW_LIMIT)} ({now} + {minutes} min.)"
            )
        if protocol == "query":
            return Rejected(403, "SignatureDoesNotMatch", message)
        if protocol == "json":
            return Rejected(400, "InvalidSignatureException", message)
        if protocol == "rest-json":
            return Rejected(403, "InvalidSignatureException", message)
        rejected = Rejected(
            403,
            "RequestTimeTooSkewed",
            "The difference between the request time and the current time is too large.",
        )
        rejected.extra = (
            f"<RequestTime>{_iso(self.signed_at)}</RequestTime>"
            f"<ServerTime>{_iso(self.now)}</ServerTime>"
            f"<MaxAllowedSkewMilliseconds>{SKEW_LIMIT * 1000}</MaxAllowedSkewMilliseconds>"
        )
        return rejected


@dataclass
class Verdict:
    scheme: str
    accepted: bool
    code: str = ""
    signed_at: float | None = None  # the time the client signed, as the request says
    received_at: float = 0.0
    sdk_request: str = ""  # botocore's amz-sdk-request header: attempt, max, retry ttl


@dataclass
class Session:
    secret: str
    token: str
    expires: float


@dataclass
class EndpointState:
    verdicts: list[Verdict] = field(default_factory=list)
    sessions: dict[str, Session] = field(default_factory=dict)
    imds_credential_fetches: int = 0
    imds_lifetime: float = 3600.0
    assume_role_lifetime: float = 3600.0
    assume_role_calls: int = 0
    fail_first: int = 0  # answer this many signed requests with a retryable 500
    clock_offset: float = 0.0  # the endpoint's clock minus the real one
    objects: dict[str, bytes] = field(default_factory=dict)  # S3 bodies put, by path
    lock: threading.Lock = field(default_factory=threading.Lock)
    counter: itertools.count[int] = field(default_factory=itertools.count)


def _amz_time(value: str) -> float:
    return (
        datetime.datetime.strptime(value, "%Y%m%dT%H%M%SZ")
        .replace(tzinfo=datetime.timezone.utc)
        .timestamp()
    )


def _http_date(value: str) -> float:
    parsed = email.utils.parsedate_to_datetime(value)
    return parsed.timestamp()


def _iso_time(value: str) -> float:
    return (
        datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
        .replace(tzinfo=datetime.timezone.utc)
        .timestamp()
    )


def _iso(seconds: float) -> str:
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )


def _check_scope_date(scope_date: str, amz_date: str) -> None:
    """AWS's first check of a SigV4 credential: its scope's date is the request's date."""
    if scope_date != amz_date[:8]:
        raise Rejected(
            403,
            "SignatureDoesNotMatch",
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
            f"from HTTP: '{scope_date}' != '{amz_date[:8]}', from '{amz_date}'.",
        )


def _signature_mismatch() -> Rejected:
    return Rejected(
        403,
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided",
    )


class _HmacV1At(HmacV1Auth):  # type: ignore[misc]
    """botocore's HmacV1 signer, with the date the request carries instead of a clock read."""

    def __init__(self, credentials: Credentials, date: str) -> None:
        super().__init__(credentials)
        self._date = date

    def _get_date(self) -> str:
        return self._date


class _AsSigned:
    """A botocore SigV4 signer that signs exactly the headers the request says it signed.

    botocore leaves some out of its own signatures (User-Agent, Expect), which
    other signers sign; AWS takes the SignedHeaders list as given.
    """

    def headers_to_sign(self, request: AWSRequest) -> HTTPHeaders:
        headers = HTTPHeaders()
        for name, value in request.headers.items():
            headers[name.lower()] = value
        return headers


class _SigV4(_AsSigned, SigV4Auth):  # type: ignore[misc]
    pass


class _S3SigV4(_AsSigned, S3SigV4Auth):  # type: ignore[misc]
    pass


class _SigV4Query(_AsSigned, SigV4QueryAuth):  # type: ignore[misc]
    pass


class _S3SigV4Query(_AsSigned, S3SigV4QueryAuth):  # type: ignore[misc]
    pass


class Endpoint:
    def __init__(self) -> None:
        self.state = EndpointState()
        handler = type("Handler", (_Handler,), {"endpoint": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Endpoint:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def reset(self) -> None:
        self.state = EndpointState()

    def now(self) -> float:
        """The endpoint's clock: AWS's, which may not be this machine's."""
        return time.time() + self.state.clock_offset

    def put_clock(self, offset: float) -> float:
        """Put this endpoint's clock ``offset`` seconds off the real one; the offset put.

        With ``LIBFAKETIMEFS_BOTOCORE_TEST_ACROSS_MIDNIGHT=1``, an offset AWS
        would refuse is put that far past the nearest UTC midnight on its side
        (:func:`across_midnight`), so that the endpoint's date is not the real one.
        """
        if abs(offset) > SKEW_LIMIT and os.environ.get(ACROSS_MIDNIGHT) == "1":
            offset = across_midnight(offset, time.time())
        self.state.clock_offset = float(offset)
        return self.state.clock_offset

    def put_clock_at(self, moment: float) -> None:
        """Put this endpoint's clock at ``moment`` now (it runs on from there)."""
        self.state.clock_offset = moment - time.time()

    # --- credentials -------------------------------------------------------

    def issue_session(self, lifetime: float) -> tuple[str, Session]:
        with self.state.lock:
            number = next(self.state.counter)
        access_key = f"ASIALOCAL{number:011d}"
        session = Session(
            secret=f"session-secret-{number}",
            token=f"session-token-{number}",
            expires=self.now() + lifetime,
        )
        self.state.sessions[access_key] = session
        return access_key, session

    def credentials_for(self, access_key: str, token: str | None) -> Credentials:
        if access_key == ACCESS_KEY:
            return Credentials(ACCESS_KEY, SECRET_KEY)
        session = self.state.sessions.get(access_key)
        if session is None:
            raise Rejected(403, "InvalidClientTokenId", f"unknown access key {access_key}")
        if token != session.token:
            raise Rejected(403, "InvalidToken", "the security token is not the one issued")
        if self.now() >= session.expires:
            raise Rejected(
                403, "ExpiredToken", "The security token included in the request is expired"
            )
        return Credentials(access_key, session.secret, session.token)

    # --- verification ------------------------------------------------------

    def verify(
        self, method: str, path: str, headers: Message, body: bytes
    ) -> tuple[str, float | None]:
        """The scheme and signing time of a valid request; raises Rejected otherwise."""
        url = f"http://{headers['Host']}{path}"
        query = dict(parse_qsl(urlsplit(path).query, keep_blank_values=True))
        auth = headers.get("Authorization", "")
        content_type = headers.get("Content-Type", "")
        if auth.startswith("AWS4-HMAC-SHA256 "):
            return self._sigv4_header(method, url, headers, body, auth)
        if auth.startswith("AWS4-ECDSA-P256-SHA256 "):
            return self._sigv4a_header(method, url, headers, body, auth)
        if auth.startswith("AWS "):
            return self._hmacv1_header(method, url, headers, auth)
        if headers.get("X-Amzn-Authorization", "").startswith("AWS3-HTTPS "):
            return self._sigv3(headers)
        if query.get("X-Amz-Algorithm") == "AWS4-HMAC-SHA256":
            return self._sigv4_query(method, url, headers, query)
        if "Signature" in query and "Expires" in query:
            return self._hmacv1_query(method, url, headers, query)
        if content_type.startswith("multipart/form-data"):
            return self._post_policy(headers, body)
        params = dict(query)
        if content_type.startswith("application/x-www-form-urlencoded"):
            params.update(parse_qsl(body.decode(), keep_blank_values=True))
        if params.get("SignatureVersion") == "2":
            return self._sigv2(method, url, params)
        raise Rejected(403, "MissingAuthenticationToken", "the request is not signed")

    def _check_skew(self, signed_at: float) -> None:
        now = self.now()
        if abs(signed_at - now) > SKEW_LIMIT:
            raise Skewed(signed_at, now)

    def _check_presigned(self, signed_at: float, expires_at: float) -> None:
        now = self.now()
        if signed_at > now + SKEW_LIMIT:
            raise Rejected(403, "AccessDenied", "Request is not valid yet")
        # Signed more than seven days ago: whatever its expiration says, a
        # signature that old is not valid any more.
        if now > expires_at or now - signed_at > MAX_PRESIGN + SKEW_LIMIT:
            raise Rejected(403, "AccessDenied", "Request has expired")
        if expires_at - now > MAX_PRESIGN + SKEW_LIMIT:
            raise Rejected(403, "AccessDenied", "X-Amz-Expires must be less than a week")

    @staticmethod
    def _compare(expected: str, given: str) -> None:
        if not hmac.compare_digest(expected.encode(), given.encode()):
            raise _signature_mismatch()

    @staticmethod
    def _signed_request(
        method: str, url: str, headers: Message, signed: str, amz_date: str, body: bytes = b""
    ) -> AWSRequest:
        """The request as the client signed it: only the headers it says it signed."""
        request = AWSRequest(
            method=method,
            url=url,
            headers={name: headers[name] for name in signed.split(";")},
            data=body,
        )
        request.context["timestamp"] = amz_date
        return request

    def _sigv4_header(
        self, method: str, url: str, headers: Message, body: bytes, auth: str
    ) -> tuple[str, float | None]:
        match = re.fullmatch(
            r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request,\s*"
            r"SignedHeaders=([^,]+),\s*Signature=([0-9a-f]{64})",
            auth,
        )
        if not match:
            raise Rejected(400, "IncompleteSignature", auth)
        access_key, scope_date, region, service, signed, signature = match.groups()
        amz_date = headers.get("X-Amz-Date", "")
        _check_scope_date(scope_date, amz_date)
        signed_at = _amz_time(amz_date)
        express_token = headers.get("x-amz-s3session-token")
        credentials = self.credentials_for(
            access_key, express_token or headers.get("X-Amz-Security-Token")
        )
        request = self._signed_request(method, url, headers, signed, amz_date, body)
        signer_class = _S3SigV4 if service in ("s3", "s3express") else _SigV4
        signer = signer_class(credentials, service, region)
        string_to_sign = signer.string_to_sign(request, signer.canonical_request(request))
        self._compare(signer.signature(string_to_sign, request), signature)
        sha = headers.get("X-Amz-Content-SHA256")
        signed_payload = sha and not sha.startswith(("UNSIGNED", "STREAMING"))
        if signed_payload and sha != hashlib.sha256(body).hexdigest():
            raise Rejected(400, "XAmzContentSHA256Mismatch", "payload hash mismatch")
        self._check_skew(signed_at)
        if service == "s3express":
            return ("s3express" if express_token else "s3express-create-session"), signed_at
        return ("s3v4" if service == "s3" else "v4"), signed_at

    def _sigv4a_header(
        self, method: str, url: str, headers: Message, body: bytes, auth: str
    ) -> tuple[str, float | None]:
        match = re.fullmatch(
            r"AWS4-ECDSA-P256-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/aws4_request,\s*"
            r"SignedHeaders=([^,]+),\s*Signature=([0-9a-f]+)",
            auth,
        )
        if not match:
            raise Rejected(400, "IncompleteSignature", auth)
        access_key, day, service, signed, signature = match.groups()
        amz_date = headers.get("X-Amz-Date", "")
        _check_scope_date(day, amz_date)
        credentials = self.credentials_for(access_key, headers.get("X-Amz-Security-Token"))
        request = self._signed_request(method, url, headers, signed, amz_date, body)
        # The canonical request is SigV4's; the string to sign has no region,
        # and the signature is ECDSA with a key derived from the secret.
        canonical = SigV4Auth(credentials, service, "*").canonical_request(request)
        string_to_sign = "\n".join(
            (
                "AWS4-ECDSA-P256-SHA256",
                amz_date,
                f"{day}/{service}/aws4_request",
                hashlib.sha256(canonical.encode()).hexdigest(),
            )
        )
        if not verify_sigv4a(credentials, string_to_sign, bytes.fromhex(signature)):
            raise _signature_mismatch()
        signed_at = _amz_time(amz_date)
        self._check_skew(signed_at)
        return "v4a", signed_at

    def _sigv4_query(
        self, method: str, url: str, headers: Message, query: dict[str, str]
    ) -> tuple[str, float | None]:
        access_key, scope_date, region, service, _ = query["X-Amz-Credential"].split("/")
        _check_scope_date(scope_date, query["X-Amz-Date"])
        credentials = self.credentials_for(
            access_key, query.get("X-Amz-S3session-Token") or query.get("X-Amz-Security-Token")
        )
        parts = urlsplit(url)
        unsigned_query = "&".join(
            pair for pair in parts.query.split("&") if not pair.startswith("X-Amz-Signature=")
        )
        amz_date = query["X-Amz-Date"]
        request = self._signed_request(
            method,
            parts._replace(query=unsigned_query).geturl(),
            headers,
            query["X-Amz-SignedHeaders"],
            amz_date,
        )
        signer_class = _S3SigV4Query if service in ("s3", "s3express") else _SigV4Query
        signer = signer_class(credentials, service, region)
        string_to_sign = signer.string_to_sign(request, signer.canonical_request(request))
        self._compare(signer.signature(string_to_sign, request), query["X-Amz-Signature"])
        signed_at = _amz_time(amz_date)
        self._check_presigned(signed_at, signed_at + int(query["X-Amz-Expires"]))
        scheme = {"s3": "s3v4-query", "s3express": "s3express-query"}.get(service, "v4-query")
        return scheme, signed_at

    def _hmacv1_header(
        self, method: str, url: str, headers: Message, auth: str
    ) -> tuple[str, float | None]:
        access_key, _, signature = auth[len("AWS ") :].partition(":")
        credentials = self.credentials_for(access_key, headers.get("X-Amz-Security-Token"))
        date = headers["Date"]
        copy = HTTPHeaders()
        for name, value in headers.items():
            if name.lower() not in ("authorization", "date"):
                copy[name] = value
        signer = _HmacV1At(credentials, date)
        expected = signer.sign_string(signer.canonical_string(method, urlsplit(url), copy))
        self._compare(expected, signature)
        signed_at = _http_date(date)
        self._check_skew(signed_at)
        return "hmacv1", signed_at

    def _hmacv1_query(
        self, method: str, url: str, headers: Message, query: dict[str, str]
    ) -> tuple[str, float | None]:
        credentials = self.credentials_for(
            query["AWSAccessKeyId"], query.get("x-amz-security-token")
        )
        expires = query["Expires"]
        signer = _HmacV1At(credentials, expires)
        copy = HTTPHeaders()
        expected = signer.sign_string(signer.canonical_string(method, urlsplit(url), copy))
        self._compare(expected, query["Signature"])
        self._check_presigned(self.now(), float(expires))
        return "hmacv1-query", None

    def _sigv3(self, headers: Message) -> tuple[str, float | None]:
        fields = dict(
            part.split("=", 1)
            for part in headers["X-Amzn-Authorization"][len("AWS3-HTTPS ") :].split(",")
        )
        credentials = self.credentials_for(
            fields["AWSAccessKeyId"], headers.get("X-Amz-Security-Token")
        )
        date = headers["Date"]
        digest = hmac.new(credentials.secret_key.encode(), date.encode(), hashlib.sha256).digest()
        self._compare(base64.b64encode(digest).decode(), fields["Signature"])
        signed_at = _http_date(date)
        self._check_skew(signed_at)
        return "v3", signed_at

    def _sigv2(self, method: str, url: str, params: dict[str, str]) -> tuple[str, float | None]:
        credentials = self.credentials_for(params["AWSAccessKeyId"], params.get("SecurityToken"))
        request = AWSRequest(method=method, url=url.split("?", 1)[0])
        _, expected = SigV2Auth(credentials).calc_signature(request, params)
        self._compare(expected, params["Signature"])
        signed_at = _iso_time(params["Timestamp"])
        self._check_skew(signed_at)
        return "v2", signed_at

    def _post_policy(self, headers: Message, body: bytes) -> tuple[str, float | None]:
        parsed = email.message_from_bytes(
            b"Content-Type: " + headers["Content-Type"].encode() + b"\r\n\r\n" + body
        )
        form: dict[str, str] = {}
        for part in parsed.get_payload():  # type: ignore[union-attr]
            name = part.get_param("name", header="content-disposition")
            if name != "file":
                form[str(name)] = part.get_payload(decode=True).decode()
        policy_b64 = form["policy"]
        policy = json.loads(base64.b64decode(policy_b64))
        expires_at = _iso_time(policy["expiration"].split(".")[0].rstrip("Z") + "Z")
        if "x-amz-signature" in form:
            access_key, scope_date, region, service, _ = form["x-amz-credential"].split("/")
            _check_scope_date(scope_date, form["x-amz-date"])
            express_token = form.get("X-Amz-S3session-Token")
            credentials = self.credentials_for(
                access_key, express_token or form.get("x-amz-security-token")
            )
            request = AWSRequest(method="POST", url="http://unused/")
            request.context["timestamp"] = form["x-amz-date"]
            signer = S3SigV4Auth(credentials, service, region)
            self._compare(signer.signature(policy_b64, request), form["x-amz-signature"])
            signed_at: float | None = _amz_time(form["x-amz-date"])
            scheme = "s3express-post" if express_token else "s3v4-post"
        else:
            credentials = self.credentials_for(
                form["AWSAccessKeyId"], form.get("x-amz-security-token")
            )
            self._compare(HmacV1Auth(credentials).sign_string(policy_b64), form["signature"])
            signed_at = None
            scheme = "hmacv1-post"
        self._check_presigned(signed_at if signed_at is not None else self.now(), expires_at)
        return scheme, signed_at


# Services that answer in REST JSON, by the name a request is signed for.
REST_JSON_SERVICES = frozenset({"execute-api", "es", "aoss", "bedrock"})


def _signed_for(authorization: str, path: str) -> str:
    """The service a SigV4 request is signed for: its credential scope's fourth part."""
    match = re.search(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/", authorization)
    if match is None:
        query = dict(parse_qsl(urlsplit(path).query))
        match = re.fullmatch(
            r"[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request", query.get("X-Amz-Credential", "")
        )
    return match.group(1) if match else ""


_STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
_S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/"


class _Handler(BaseHTTPRequestHandler):
    endpoint: Endpoint
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without this, Nagle's algorithm
    # and the client's delayed ACK hold every answer back 40 ms.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def date_time_string(self, timestamp: float | None = None) -> str:
        # The Date header of every answer: the endpoint's clock.
        return super().date_time_string(self.endpoint.now() if timestamp is None else timestamp)

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path.startswith("/latest/"):
            self._imds(body)
            return
        received_at = self.endpoint.now()
        protocol = self._protocol(body)
        try:
            scheme, signed_at = self.endpoint.verify(self.command, self.path, self.headers, body)
        except Rejected as rejected:
            self.endpoint.state.verdicts.append(
                Verdict("?", False, rejected.for_protocol(protocol).code, None, received_at)
            )
            self._error(rejected, protocol)
            return
        state = self.endpoint.state
        sdk_request = self.headers.get("amz-sdk-request", "")
        state.verdicts.append(Verdict(scheme, True, "", signed_at, received_at, sdk_request))
        if state.fail_first > 0:
            state.fail_first -= 1
            self._error(Rejected(500, "InternalFailure", "try again"), protocol)
            return
        if protocol == "s3":
            self._s3_success(body)
        elif protocol == "rest-json":
            self._send(200, b'{"status": "green"}', "application/json")
        elif protocol == "json":
            self._send(200, b'{"TableNames": []}', "application/x-amz-json-1.0")
        else:
            self._sts_success(body)

    def _protocol(self, body: bytes) -> str:
        """query (STS), json (DynamoDB: an X-Amz-Target header), rest-json or s3."""
        if "X-Amz-Target" in self.headers:
            return "json"
        if _signed_for(self.headers.get("Authorization", ""), self.path) in REST_JSON_SERVICES:
            return "rest-json"
        params = dict(parse_qsl(urlsplit(self.path).query))
        if self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            params.update(parse_qsl(body.decode()))
        return "query" if "Action" in params else "s3"

    def _send(self, status: int, body: bytes, content_type: str = "text/xml") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", "local-request")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, rejected: Rejected, protocol: str) -> None:
        rejected = rejected.for_protocol(protocol)
        if protocol == "rest-json":
            self.send_response(rejected.status)
            body = json.dumps({"message": rejected.message}).encode()
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("x-amzn-ErrorType", rejected.code)
            self.end_headers()
            self.wfile.write(body)
            return
        if protocol == "json":
            document = {"__type": f"com.amazon.coral.service#{rejected.code}"}
            document["message"] = rejected.message
            self._send(rejected.status, json.dumps(document).encode(), "application/x-amz-json-1.0")
            return
        error = f"<Code>{rejected.code}</Code><Message>{rejected.message}</Message>"
        if protocol == "s3":
            body = f"<Error>{error}{rejected.extra}<RequestId>local</RequestId></Error>"
        else:
            body = (
                f'<ErrorResponse xmlns="{_STS_NS}"><Error><Type>Sender</Type>{error}</Error>'
                "<RequestId>local</RequestId></ErrorResponse>"
            )
        self._send(rejected.status, body.encode())

    def _sts_success(self, body: bytes) -> None:
        params = dict(parse_qsl(urlsplit(self.path).query))
        params.update(parse_qsl(body.decode()))
        action = params.get("Action")
        if action == "AssumeRole":
            state = self.endpoint.state
            state.assume_role_calls += 1
            access_key, session = self.endpoint.issue_session(state.assume_role_lifetime)
            result = (
                f"<Credentials><AccessKeyId>{access_key}</AccessKeyId>"
                f"<SecretAccessKey>{session.secret}</SecretAccessKey>"
                f"<SessionToken>{session.token}</SessionToken>"
                f"<Expiration>{_iso(session.expires)}</Expiration></Credentials>"
                "<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn>"
                "<AssumedRoleId>AROLOCAL:s</AssumedRoleId></AssumedRoleUser>"
            )
        else:
            action = "GetCallerIdentity"
            result = (
                "<Arn>arn:aws:iam::123456789012:user/local</Arn>"
                "<UserId>AIDALOCAL</UserId><Account>123456789012</Account>"
            )
        xml = (
            f'<{action}Response xmlns="{_STS_NS}"><{action}Result>{result}</{action}Result>'
            f"<ResponseMetadata><RequestId>local</RequestId></ResponseMetadata></{action}Response>"
        )
        self._send(200, xml.encode())

    def _s3_success(self, body: bytes) -> None:
        objects = self.endpoint.state.objects
        path = urlsplit(self.path).path
        if self.command == "GET" and self.path.endswith("?session"):
            self._s3express_session()
        elif self.command == "GET" and path == "/":
            self._s3_list_buckets()
        elif self.command == "GET" and path.strip("/").count("/") == 0:
            self._s3_list_objects(path.strip("/"))
        elif self.command in ("GET", "HEAD"):
            body = objects.get(path, b"hello from the local endpoint")
            self.send_response(200)
            self.send_header("Content-Type", "binary/octet-stream")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", '"' + hashlib.md5(body).hexdigest() + '"')
            self.send_header("Last-Modified", self.date_time_string())
            self.end_headers()
            if self.command == "GET":
                self.wfile.write(body)
        elif self.command == "POST":
            self._send(204, b"")
        else:
            objects[path] = body
            self.send_response(200)
            self.send_header("ETag", '"' + hashlib.md5(body).hexdigest() + '"')
            self.send_header("Content-Length", "0")
            self.end_headers()

    def _s3_list_buckets(self) -> None:
        """ListBuckets: a bucket for each first path segment stored."""
        names = sorted({path.split("/")[1] for path in self.endpoint.state.objects})
        created = _iso(self.endpoint.now())
        buckets = "".join(
            f"<Bucket><Name>{name}</Name><CreationDate>{created}</CreationDate></Bucket>"
            for name in names
        )
        xml = (
            f'<ListAllMyBucketsResult xmlns="{_S3_NS}"><Owner><ID>local</ID></Owner>'
            f"<Buckets>{buckets}</Buckets></ListAllMyBucketsResult>"
        )
        self._send(200, xml.encode())

    def _s3_list_objects(self, bucket: str) -> None:
        """ListObjectsV2 of a bucket, without pagination."""
        query = dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))
        prefix = f"/{bucket}/{query.get('prefix', '')}"
        modified = _iso(self.endpoint.now())
        contents = "".join(
            f"<Contents><Key>{path[len(bucket) + 2 :]}</Key><LastModified>{modified}"
            f"</LastModified><ETag>&quot;{hashlib.md5(body).hexdigest()}&quot;</ETag>"
            f"<Size>{len(body)}</Size><StorageClass>STANDARD</StorageClass></Contents>"
            for path, body in sorted(self.endpoint.state.objects.items())
            if path.startswith(prefix)
        )
        xml = (
            f'<ListBucketResult xmlns="{_S3_NS}"><Name>{bucket}</Name>'
            f"<Prefix>{query.get('prefix', '')}</Prefix><KeyCount>{contents.count('<Key>')}"
            f"</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>{contents}"
            "</ListBucketResult>"
        )
        self._send(200, xml.encode())

    def _s3express_session(self) -> None:
        # S3 Express sessions last five minutes, as AWS's do.
        access_key, session = self.endpoint.issue_session(300)
        xml = (
            '<CreateSessionResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Credentials>'
            f"<SessionToken>{session.token}</SessionToken>"
            f"<SecretAccessKey>{session.secret}</SecretAccessKey>"
            f"<AccessKeyId>{access_key}</AccessKeyId>"
            f"<Expiration>{_iso(session.expires)}</Expiration>"
            "</Credentials></CreateSessionResult>"
        )
        self._send(200, xml.encode())

    def _imds(self, body: bytes) -> None:
        state = self.endpoint.state
        if self.path == "/latest/api/token":
            self._send(200, b"local-imds-token", "text/plain")
        elif self.path.rstrip("/") == "/latest/meta-data/iam/security-credentials":
            self._send(200, ROLE_NAME.encode(), "text/plain")
        elif self.path == f"/latest/meta-data/iam/security-credentials/{ROLE_NAME}":
            state.imds_credential_fetches += 1
            access_key, session = self.endpoint.issue_session(state.imds_lifetime)
            document = {
                "Code": "Success",
                "Type": "AWS-HMAC",
                "AccessKeyId": access_key,
                "SecretAccessKey": session.secret,
                "Token": session.token,
                "Expiration": _iso(session.expires),
                "LastUpdated": _iso(self.endpoint.now()),
            }
            self._send(200, json.dumps(document).encode(), "application/json")
        else:
            self._send(404, b"not found", "text/plain")
