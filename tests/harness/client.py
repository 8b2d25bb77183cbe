"""A boto3 program run in a subprocess under libfaketime by the end-to-end tests.

    python client.py SCENARIO '{"endpoint": URL, "patch": "import", ...}'

It prints one JSON document: what each AWS call gave (accepted, or the
error code the endpoint answered) and the clocks it saw. It must not import
anything from the tests: it runs in a process of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import functools
import json
import logging
import os
import ssl
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Callable

ACCESS_KEY = "AKIDEXAMPLELOCAL0001"
SECRET_KEY = "local/endpoint/secret/key/EXAMPLEKEY00"
OPTIONS: dict[str, Any] = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
ENDPOINT = OPTIONS.get("endpoint", "")


def realtime() -> float | None:
    path = os.environ.get("FAKETIME_REALTIME_FILE")
    if path is None:
        return None
    try:
        with open(path) as file:
            return float(file.read())
    except ValueError:
        return None


def error_code(error: BaseException) -> str:
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", type(error).__name__))
    if isinstance(error, urllib.error.HTTPError):
        body = error.read().decode(errors="replace")
        start, end = body.find("<Code>"), body.find("</Code>")
        return body[start + 6 : end] if start >= 0 else f"HTTP {error.code}"
    return f"{type(error).__name__}: {error}"


def attempt(call: Callable[[], Any]) -> dict[str, Any]:
    try:
        call()
    except Exception as error:  # noqa: BLE001 - reported to the test
        return {"ok": False, "code": error_code(error)}
    return {"ok": True, "code": ""}


def client(
    service: str, signature_version: str | None = None, endpoint: str = "", **config: Any
) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        service,
        endpoint_url=endpoint or ENDPOINT,
        region_name="us-east-1",
        aws_access_key_id=OPTIONS.get("access_key", ACCESS_KEY),
        aws_secret_access_key=OPTIONS.get("secret_key", SECRET_KEY),
        config=Config(
            signature_version=signature_version,
            s3={"addressing_style": "path"},
            **{"retries": {"total_max_attempts": 1}, **config},
        ),
    )


def fetch(url: str) -> None:
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()


def own_https_call(url: str) -> None:
    """The program's own HTTPS request (not an AWS client's), trusting the tests' CA."""
    context = ssl.create_default_context(cafile=os.environ["AWS_CA_BUNDLE"])
    try:
        with urllib.request.urlopen(url, timeout=30, context=context) as response:
            response.read()
    except urllib.error.HTTPError as error:  # an answer: the handshake passed
        error.close()


def post_form(post: dict[str, Any]) -> None:
    boundary = uuid.uuid4().hex
    lines: list[bytes] = []
    for name, value in [*post["fields"].items(), ("file", "hello")]:
        disposition = f'form-data; name="{name}"'
        if name == "file":
            disposition += '; filename="hello.txt"'
        lines += [
            f"--{boundary}".encode(),
            f"Content-Disposition: {disposition}".encode(),
            b"",
            str(value).encode(),
        ]
    lines += [f"--{boundary}--".encode(), b""]
    request = urllib.request.Request(
        post["url"],
        data=b"\r\n".join(lines),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()


EXPRESS_BUCKET = "local--use1-az4--x-s3"


def s3_put_get(signature_version: str | None, bucket: str = "bucket") -> None:
    s3 = client("s3", signature_version)
    s3.put_object(Bucket=bucket, Key="key.txt", Body=b"hello")
    s3.get_object(Bucket=bucket, Key="key.txt")["Body"].read()


SCHEMES: dict[str, Callable[[], None]] = {
    "v4": lambda: client("sts").get_caller_identity(),
    "v4-query": lambda: fetch(
        client("sts").generate_presigned_url("get_caller_identity", HttpMethod="GET")
    ),
    "s3v4": lambda: s3_put_get("s3v4"),
    "s3v4-query": lambda: fetch(
        client("s3", "s3v4").generate_presigned_url(
            "get_object", Params={"Bucket": "bucket", "Key": "key.txt"}, ExpiresIn=3600
        )
    ),
    "s3v4-post": lambda: post_form(
        client("s3", "s3v4").generate_presigned_post("bucket", "key.txt", ExpiresIn=3600)
    ),
    "v2": lambda: client("sts", "v2").get_caller_identity(),
    "v3": lambda: client("sts", "v3").get_caller_identity(),
    "hmacv1": lambda: s3_put_get("s3"),
    "hmacv1-query": lambda: fetch(
        client("s3", "s3").generate_presigned_url(
            "get_object", Params={"Bucket": "bucket", "Key": "key.txt"}, ExpiresIn=3600
        )
    ),
    "hmacv1-post": lambda: post_form(
        client("s3", "s3").generate_presigned_post("bucket", "key.txt", ExpiresIn=3600)
    ),
    "v4a": lambda: client("sts", "v4a").get_caller_identity(),
    "s3express": lambda: s3_put_get(None, EXPRESS_BUCKET),
    "s3express-query": lambda: fetch(
        client("s3").generate_presigned_url(
            "get_object", Params={"Bucket": EXPRESS_BUCKET, "Key": "key.txt"}, ExpiresIn=300
        )
    ),
    "s3express-post": lambda: post_form(
        client("s3").generate_presigned_post(EXPRESS_BUCKET, "key.txt", ExpiresIn=300)
    ),
}


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


def clocks() -> dict[str, float | None]:
    return {"fake": time.time(), "real": realtime()}


def count_file_reads() -> list[str]:
    """Every read of the realtime file from here on, by path."""
    from libfaketimefs_botocore import clock

    reads: list[str] = []
    original = clock.read_realtime

    def counting(path: str) -> float:
        reads.append(path)
        return original(path)

    clock.read_realtime = counting
    return reads


@contextlib.contextmanager
def faked_in_process(faker: dict[str, Any]) -> Iterator[None]:
    """freezegun or time-machine, some days from now."""
    name, days, tick = faker["name"], faker["days"], faker.get("tick", False)
    now = datetime.datetime.now(datetime.timezone.utc)
    if name == "freezegun":
        import freezegun

        with freezegun.freeze_time(now + datetime.timedelta(days=days), tick=tick):
            yield
    elif name == "time-machine-travel":
        import time_machine

        with time_machine.travel(now + datetime.timedelta(days=days), tick=tick):
            yield
    elif name == "time-machine-shift":
        import time_machine

        with time_machine.travel(now, tick=tick) as traveller:
            traveller.shift(datetime.timedelta(days=days))
            yield
    else:
        raise ValueError(name)


def scenario_schemes() -> dict[str, Any]:
    import botocore
    import botocore.auth
    import botocore.compat

    results = {}
    with patched(OPTIONS["patch"]):
        for name in OPTIONS["schemes"]:
            results[name] = attempt(SCHEMES[name])
    return {
        "results": results,
        "clocks": clocks(),
        "botocore": botocore.__version__,
        "crt": bool(botocore.compat.HAS_CRT),
        "v4_signer": botocore.auth.AUTH_TYPE_MAPS["v4"].__name__,
    }


def scenario_faker_schemes() -> dict[str, Any]:
    """Every scheme under freezegun or time-machine: outside realtime_signing, then inside."""
    import libfaketimefs_botocore

    schemes = OPTIONS["schemes"]
    with faked_in_process(OPTIONS["faker"]):
        outside = {name: attempt(SCHEMES[name]) for name in schemes}
        with libfaketimefs_botocore.realtime_signing():
            inside = {name: attempt(SCHEMES[name]) for name in schemes}
            program_clock = {
                "time": time.time(),
                "now": datetime.datetime.now(datetime.timezone.utc).timestamp(),
                "year": datetime.date.today().year,
            }
    return {"outside": outside, "inside": inside, "program_clock": program_clock}


def scenario_sign_for() -> dict[str, Any]:
    """Sign without pause for some seconds; count the reads of the realtime file."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    with patched(OPTIONS["patch"]):
        reads = count_file_reads()
        credentials = Credentials(ACCESS_KEY, SECRET_KEY)
        signatures = 0
        stamps = set()
        start = time.perf_counter()
        while time.perf_counter() - start < OPTIONS["seconds"]:
            request = AWSRequest(method="GET", url="https://sts.amazonaws.com/")
            SigV4Auth(credentials, "sts", "us-east-1").add_auth(request)
            stamps.add(request.headers["X-Amz-Date"])
            signatures += 1
        elapsed = time.perf_counter() - start
    return {
        "signatures": signatures,
        "reads": len(reads),
        "seconds": elapsed,
        "stamps": sorted(stamps),
        "clocks": clocks(),
    }


def scenario_fork() -> dict[str, Any]:
    """Sign in the parent, then fork: the child signs a call and a presigned URL."""
    with patched(OPTIONS["patch"]):
        reads = count_file_reads()
        parent = attempt(lambda: client("sts").get_caller_identity())
        reads_in_parent = len(reads)
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: report through the pipe, never return
            try:
                del reads[:]
                outcome = {
                    "call": attempt(lambda: client("sts").get_caller_identity()),
                    "presigned": attempt(SCHEMES["s3v4-query"]),
                    "reads": len(reads),
                }
                os.write(write_end, json.dumps(outcome).encode())
            finally:
                os._exit(0)
        os.close(write_end)
        with os.fdopen(read_end, "rb") as pipe:
            child = json.loads(pipe.read())
        os.waitpid(pid, 0)
    return {
        "parent": parent,
        "reads_in_parent": reads_in_parent,
        "child": child,
        "child_pid": pid,
        "clocks": clocks(),
    }


def scenario_transfer() -> dict[str, Any]:
    """boto3's upload_file and download_file, asking for the CRT transfer manager."""
    import tempfile

    from boto3.s3.transfer import TransferConfig

    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(f"{record.name}: {record.getMessage()}")

    for name in ("boto3.s3.transfer", "libfaketimefs_botocore"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.DEBUG)
        logger.addHandler(Keep())
    config = TransferConfig(preferred_transfer_client=OPTIONS["transfer_client"])
    with tempfile.TemporaryDirectory() as directory, patched(OPTIONS["patch"]):
        source = os.path.join(directory, "up.txt")
        with open(source, "wb") as file:
            file.write(b"hello" * 1000)
        s3 = client("s3", "s3v4")
        upload = attempt(lambda: s3.upload_file(source, "bucket", "key.txt", Config=config))
        target = os.path.join(directory, "down.txt")
        download = attempt(lambda: s3.download_file("bucket", "key.txt", target, Config=config))
        same = os.path.exists(target) and Path(target).read_bytes() == b"hello" * 1000
    return {
        "upload": upload,
        "download": download,
        "downloaded_as_uploaded": same,
        "log": records,
        "clocks": clocks(),
    }


def scenario_s3transfer_crt() -> dict[str, Any]:
    """s3transfer's CRT transfer manager itself, pointed at the endpoint: it signs in C."""
    import tempfile

    import botocore.session
    from botocore.config import Config
    from botocore.credentials import Credentials
    from s3transfer.crt import (
        BotocoreCRTCredentialsWrapper,
        BotocoreCRTRequestSerializer,
        CRTTransferManager,
        create_s3_crt_client,
    )

    # The CRT resolves the Host header's name, which must not be an address.
    endpoint_url = ENDPOINT.replace("127.0.0.1", "localhost")
    with tempfile.TemporaryDirectory() as directory, patched(OPTIONS["patch"]):
        source = os.path.join(directory, "up.txt")
        with open(source, "wb") as file:
            file.write(b"hello")
        credentials = BotocoreCRTCredentialsWrapper(Credentials(ACCESS_KEY, SECRET_KEY))
        crt_client = create_s3_crt_client(
            "us-east-1",
            crt_credentials_provider=credentials.to_crt_credentials_provider(),
            use_ssl=False,
        )
        serializer = BotocoreCRTRequestSerializer(
            botocore.session.Session(),
            {
                "region_name": "us-east-1",
                "endpoint_url": endpoint_url,
                "config": Config(s3={"addressing_style": "path"}),
            },
        )
        with CRTTransferManager(crt_client, serializer) as manager:
            upload = attempt(lambda: manager.upload(source, "bucket", "key.txt").result())
    return {"upload": upload, "clocks": clocks()}


def _put_then_get(endpoint: str) -> None:
    body = os.urandom(4096)
    s3 = client("s3", "s3v4", endpoint, retries=RETRIES)
    s3.put_object(Bucket="bucket", Key="body.bin", Body=body)
    if s3.get_object(Bucket="bucket", Key="body.bin")["Body"].read() != body:
        raise AssertionError("the body put is not the body got")


RETRIES = {"total_max_attempts": 1, "mode": OPTIONS.get("retry_mode", "standard")}

CALLS: dict[str, Callable[[str], None]] = {
    "sts": lambda endpoint: client("sts", None, endpoint, retries=RETRIES).get_caller_identity(),
    "dynamodb": lambda endpoint: client("dynamodb", None, endpoint, retries=RETRIES).list_tables(),
    "s3": _put_then_get,
    "presigned-url": lambda endpoint: fetch(
        client("s3", "s3v4", endpoint).generate_presigned_url(
            "get_object", Params={"Bucket": "bucket", "Key": "key.txt"}, ExpiresIn=3600
        )
    ),
    "presigned-post": lambda endpoint: post_form(
        client("s3", "s3v4", endpoint).generate_presigned_post("bucket", "key.txt", ExpiresIn=3600)
    ),
}


def scenario_calls() -> dict[str, Any]:
    """Calls to one or more endpoints, in the order given: [endpoint, call] pairs.

    The calls in "before" come first, with the wrap points installed and the
    switch off.
    """
    before = OPTIONS.get("before", [])
    if before:
        from libfaketimefs_botocore import integrations, wrapping

        wrapping.install(integrations.WRAP_POINTS)
    results_before = [attempt(functools.partial(CALLS[call], url)) for url, call in before]
    with patched(OPTIONS["patch"]):
        results = [attempt(functools.partial(CALLS[call], url)) for url, call in OPTIONS["calls"]]
    return {"before": results_before, "results": results, "clocks": clocks()}


def scenario_order() -> dict[str, Any]:
    """Import botocore, turn the patch on, create a client and sign, in the order given."""
    state: dict[str, Any] = {}
    steps = {
        "import": lambda: __import__("botocore.session"),
        "patch-import": lambda: __import__("libfaketimefs_botocore.patch"),
        "patch-call": lambda: __import__("libfaketimefs_botocore").patch_botocore(),
        "client": lambda: state.update(sts=client("sts"), s3=client("s3", "s3v4")),
        "sign": lambda: state.update(
            call=attempt(lambda: state["sts"].get_caller_identity()),
            presigned=attempt(
                lambda: fetch(
                    state["s3"].generate_presigned_url(
                        "get_object", Params={"Bucket": "b", "Key": "k"}
                    )
                )
            ),
        ),
    }
    for step in OPTIONS["steps"]:
        steps[step]()
    return {"call": state["call"], "presigned": state["presigned"], "clocks": clocks()}


def scenario_retry() -> dict[str, Any]:
    """A call that the endpoint fails once: the retry carries botocore's ttl."""
    import boto3
    from botocore.config import Config

    with patched(OPTIONS["patch"]):
        sts = boto3.client(
            "sts",
            endpoint_url=ENDPOINT,
            region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            config=Config(retries={"total_max_attempts": 3, "mode": "standard"}),
        )
        result = attempt(sts.get_caller_identity)
    return {"result": result, "clocks": clocks()}


def scenario_refreshable() -> dict[str, Any]:
    """Temporary credentials from AssumeRole that expire in real time."""
    import botocore.session
    from botocore.credentials import AssumeRoleCredentialFetcher, DeferredRefreshableCredentials

    with patched(OPTIONS["patch"]):
        session = botocore.session.get_session()
        source = botocore.credentials.Credentials(ACCESS_KEY, SECRET_KEY)

        def create_client(service: str, **kwargs: Any) -> Any:
            kwargs.pop("endpoint_url", None)
            return session.create_client(service, endpoint_url=ENDPOINT, **kwargs)

        fetcher = AssumeRoleCredentialFetcher(
            client_creator=create_client,
            source_credentials=source,
            role_arn="arn:aws:iam::123456789012:role/r",
            extra_args={"RoleSessionName": "session"},
        )
        credentials = DeferredRefreshableCredentials(
            refresh_using=fetcher.fetch_credentials, method="assume-role"
        )
        session._credentials = credentials
        sts = session.create_client("sts", endpoint_url=ENDPOINT, region_name="us-east-1")
        results = [attempt(sts.get_caller_identity) for _ in range(OPTIONS.get("calls", 5))]
    return {"results": results, "clocks": clocks()}


def scenario_imds() -> dict[str, Any]:
    """An instance-profile client: credentials from a local IMDS endpoint."""
    with patched(OPTIONS["patch"]):
        import botocore.session

        session = botocore.session.get_session()
        sts = session.create_client("sts", endpoint_url=ENDPOINT, region_name="us-east-1")
        results = [attempt(sts.get_caller_identity) for _ in range(OPTIONS.get("calls", 5))]
        method = session.get_credentials().method
    return {"results": results, "method": method, "clocks": clocks()}


def scenario_threads() -> dict[str, Any]:
    """16 threads entering and leaving realtime_signing while they sign."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    import libfaketimefs_botocore
    from libfaketimefs_botocore.state.switch import SWITCH

    credentials = Credentials(ACCESS_KEY, SECRET_KEY)
    inside: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(16)

    def work() -> None:
        barrier.wait()
        for _ in range(OPTIONS.get("rounds", 50)):
            with libfaketimefs_botocore.realtime_signing():
                request = AWSRequest(method="GET", url="https://sts.amazonaws.com/")
                SigV4Auth(credentials, "sts", "us-east-1").add_auth(request)
                with lock:
                    inside.append(request.headers["X-Amz-Date"])

    threads = [threading.Thread(target=work) for _ in range(16)]
    reads = count_file_reads()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    after = AWSRequest(method="GET", url="https://sts.amazonaws.com/")
    SigV4Auth(credentials, "sts", "us-east-1").add_auth(after)
    return {
        "inside": inside,
        "after": after.headers["X-Amz-Date"],
        "reads": len(reads),
        "switch_on": SWITCH.on,
        "count": SWITCH.count,
        "clocks": clocks(),
    }


def scenario_aio() -> dict[str, Any]:
    """aiobotocore: a signed call, a presigned URL and a presigned POST."""
    from aiobotocore.session import get_session

    async def main() -> dict[str, Any]:
        session = get_session()
        results = {}
        with patched(OPTIONS["patch"]):
            async with session.create_client(
                "sts",
                endpoint_url=ENDPOINT,
                region_name="us-east-1",
                aws_access_key_id=ACCESS_KEY,
                aws_secret_access_key=SECRET_KEY,
            ) as sts:
                try:
                    await sts.get_caller_identity()
                    results["v4"] = {"ok": True, "code": ""}
                except Exception as error:  # noqa: BLE001
                    results["v4"] = {"ok": False, "code": error_code(error)}
            async with session.create_client(
                "s3",
                endpoint_url=ENDPOINT,
                region_name="us-east-1",
                aws_access_key_id=ACCESS_KEY,
                aws_secret_access_key=SECRET_KEY,
            ) as s3:
                post = await s3.generate_presigned_post("bucket", "key.txt", ExpiresIn=3600)
                url = await s3.generate_presigned_url(
                    "get_object", Params={"Bucket": "bucket", "Key": "key.txt"}
                )
        results["s3v4-post"] = attempt(lambda: post_form(post))
        results["s3v4-query"] = attempt(lambda: fetch(url))
        return results

    return {"results": asyncio.run(main()), "clocks": clocks()}


def scenario_stalled() -> dict[str, Any]:
    """Sign while the libfaketimefs daemon is stopped, in N threads; continue it; sign again."""
    import signal

    from libfaketimefs_botocore import RealtimeError, patch_botocore
    from libfaketimefs_botocore.clock import bounded_read

    patch_botocore()
    sts = client("sts")
    barrier = threading.Barrier(OPTIONS["threads"])
    outcomes: list[dict[str, Any]] = []
    lock = threading.Lock()

    def sign() -> None:
        barrier.wait()
        started = time.monotonic()  # this process is not faked: its monotonic clock is real
        try:
            sts.get_caller_identity()
            outcome: dict[str, Any] = {"ok": True, "error": ""}
        except RealtimeError as error:
            outcome = {"ok": False, "error": str(error)}
        outcome["seconds"] = time.monotonic() - started
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=sign) for _ in range(OPTIONS["threads"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stalled_before = bounded_read.stalled(os.environ["FAKETIME_REALTIME_FILE"])
    child: dict[str, Any] | None = None
    if OPTIONS.get("fork"):
        # Forked while the read is stuck: the child has no helper thread, and
        # must not take the parent's stuck read for its own.
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            os.kill(OPTIONS["daemon"], signal.SIGCONT)
            found = {
                "stalled": bounded_read.stalled(os.environ["FAKETIME_REALTIME_FILE"]),
                "call": attempt(sts.get_caller_identity),
            }
            os.write(write_end, json.dumps(found).encode())
            os._exit(0)
        os.close(write_end)
        with os.fdopen(read_end) as pipe:
            child = json.loads(pipe.read())
        os.waitpid(pid, 0)
    os.kill(OPTIONS["daemon"], signal.SIGCONT)
    deadline = time.monotonic() + 10
    while (
        bounded_read.stalled(os.environ["FAKETIME_REALTIME_FILE"]) and time.monotonic() < deadline
    ):
        time.sleep(0.01)
    return {
        "outcomes": outcomes,
        "stalled_before": stalled_before,
        "after": attempt(sts.get_caller_identity),
        "child": child,
    }


def scenario_s3_server() -> dict[str, Any]:
    """What an S3 user does, against a real S3 server (SeaweedFS), faked as the test says.

    Presigned URLs and a presigned POST are returned for the test to use from
    its own, unfaked, process.
    """
    import hashlib

    from boto3.s3.transfer import TransferConfig

    bucket = OPTIONS["bucket"]
    faker = OPTIONS.get("faker")
    results: dict[str, Any] = {}
    presigned: dict[str, Any] = {}
    with faked_in_process(faker) if faker else contextlib.nullcontext(), patched(OPTIONS["patch"]):
        s3 = client("s3", "s3v4")
        results["create_bucket"] = attempt(lambda: s3.create_bucket(Bucket=bucket))
        if not results["create_bucket"]["ok"]:
            return {"results": results, "presigned": presigned, "clocks": clocks()}
        body = os.urandom(4096)
        results["put_object"] = attempt(lambda: s3.put_object(Bucket=bucket, Key="a", Body=body))
        got = s3.get_object(Bucket=bucket, Key="a")["Body"].read()
        results["get_object"] = {"ok": got == body, "code": "" if got == body else "content"}
        results["copy_object"] = attempt(
            lambda: s3.copy_object(
                Bucket=bucket, Key="b", CopySource={"Bucket": bucket, "Key": "a"}
            )
        )
        listed = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
        keys = sorted(item["Key"] for item in listed)
        results["list_objects_v2"] = {"ok": keys == ["a", "b"], "code": ",".join(keys)}
        results["delete_objects"] = attempt(
            lambda: s3.delete_objects(
                Bucket=bucket, Delete={"Objects": [{"Key": "a"}, {"Key": "b"}]}
            )
        )
        # Multipart, in several threads: 12 MiB in 5 MiB parts, four at a time.
        folder = Path(OPTIONS["folder"])
        upload, download = folder / "up.bin", folder / "down.bin"
        upload.write_bytes(os.urandom(12 * 1024 * 1024))
        config = TransferConfig(
            multipart_threshold=5 * 1024 * 1024,
            multipart_chunksize=5 * 1024 * 1024,
            max_concurrency=4,
        )
        results["upload_file"] = attempt(
            lambda: s3.upload_file(str(upload), bucket, "big", Config=config)
        )
        results["download_file"] = attempt(
            lambda: s3.download_file(bucket, "big", str(download), Config=config)
        )
        same = download.exists() and (
            hashlib.sha256(download.read_bytes()).digest()
            == hashlib.sha256(upload.read_bytes()).digest()
        )
        results["multipart_content"] = {"ok": same, "code": "" if same else "content differs"}
        s3.put_object(Bucket=bucket, Key="presigned", Body=b"served to an unfaked process")
        presigned["get"] = s3.generate_presigned_url(
            "get_object", Params={"Bucket": bucket, "Key": "presigned"}, ExpiresIn=3600
        )
        presigned["put"] = s3.generate_presigned_url(
            "put_object", Params={"Bucket": bucket, "Key": "put-by-url"}, ExpiresIn=3600
        )
        presigned["post"] = s3.generate_presigned_post(bucket, "posted", ExpiresIn=3600)
        own = OPTIONS.get("own_call")
        own_call = None if own is None else attempt(lambda: own_https_call(own))
    return {"results": results, "presigned": presigned, "clocks": clocks(), "own_call": own_call}


def scenario_s3_server_aio() -> dict[str, Any]:
    """aiobotocore against a real S3 server: make a bucket, put, get, list."""
    from aiobotocore.session import get_session

    async def main() -> dict[str, Any]:
        results: dict[str, Any] = {}
        async with get_session().create_client(
            "s3",
            endpoint_url=ENDPOINT,
            region_name="us-east-1",
            aws_access_key_id=OPTIONS["access_key"],
            aws_secret_access_key=OPTIONS["secret_key"],
        ) as s3:
            bucket = OPTIONS["bucket"]
            for name, call in [
                ("create_bucket", lambda: s3.create_bucket(Bucket=bucket)),
                ("put_object", lambda: s3.put_object(Bucket=bucket, Key="k", Body=b"aio")),
                ("get_object", lambda: s3.get_object(Bucket=bucket, Key="k")),
                ("list_objects_v2", lambda: s3.list_objects_v2(Bucket=bucket)),
            ]:
                try:
                    await call()
                    results[name] = {"ok": True, "code": ""}
                except Exception as error:  # noqa: BLE001 - reported to the test
                    results[name] = {"ok": False, "code": error_code(error)}
                    break
        return results

    with patched(OPTIONS["patch"]):
        return {"results": asyncio.run(main()), "clocks": clocks()}


def scenario_s3_server_floor() -> dict[str, Any]:
    """Presigned GETs with signing_time(floor=30 min) for the test to compare and use, and
    how credentials that expired an hour ago (real time) look outside the block and in it."""
    from botocore.credentials import RefreshableCredentials

    import libfaketimefs_botocore

    s3 = client("s3", "s3v4")
    params = {"Bucket": OPTIONS["bucket"], "Key": OPTIONS["key"]}
    expiry = datetime.datetime.fromtimestamp(OPTIONS["real_now"] - 3600, datetime.timezone.utc)
    credentials = RefreshableCredentials("AK", "SK", "token", expiry, dict, "test")
    outside = credentials.refresh_needed()
    with libfaketimefs_botocore.signing_time(floor=datetime.timedelta(minutes=30)):
        urls = [s3.generate_presigned_url("get_object", Params=params) for _ in range(2)]
        inside = credentials.refresh_needed()
    return {"urls": urls, "expired": {"outside": outside, "inside": inside}, "clocks": clocks()}


def scenario_tls_fallback() -> dict[str, Any]:
    """Two S3 calls over HTTPS where the libssl lacks a function the library needs: the
    certificate is judged by the process clock, with one warning, and nothing crashes."""
    import warnings

    from libfaketimefs_botocore.tls import openssl

    openssl._FUNCTIONS["libfaketimefs_botocore_test_missing"] = (None, [])
    with warnings.catch_warnings(record=True) as caught, patched("import"):
        warnings.simplefilter("always")
        s3 = client("s3", "s3v4")
        calls = [attempt(s3.list_buckets) for _ in range(2)]
    return {"calls": calls, "warnings": [f"{w.category.__name__}: {w.message}" for w in caught]}


if __name__ == "__main__":
    print(json.dumps(globals()["scenario_" + sys.argv[1].replace("-", "_")]()))
