"""The second round's signers (minio, boto 2, aioaws) against SeaweedFS, and the signers
whose requests no server here takes (kafka-python's MSK token, Snowflake's S3 stage
client), run in a subprocess.

    python signer_packages_client.py SCENARIO '{"endpoint": URL, "patch": "import", ...}'

It prints one JSON document. Like client.py it imports nothing from the tests
(other_signers_client is its sibling, for how the library is turned on and
how a faker runs). Each package is imported at its first use, so that a
program that never imports botocore stays one, and the start-up hook sees the
package itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import io
import json
import sys
import time
from collections.abc import Iterator
from typing import Any, Callable
from urllib.parse import urlsplit

from other_signers_client import attempt, faked_in_process, patched

OPTIONS: dict[str, Any] = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
ENDPOINT = OPTIONS.get("endpoint", "")
REGION = "us-east-1"


def _expiry(hours: float = 1) -> datetime.datetime:
    """A POST policy's expiry, as the program writes it: from the real time when the
    library is there to ask (libfaketimefs_botocore.real_time()), else its own clock."""
    if OPTIONS["patch"] == "none" and not OPTIONS.get("autopatch"):
        return datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=hours)
    import libfaketimefs_botocore

    return libfaketimefs_botocore.real_time() + datetime.timedelta(hours=hours)


def minio_steps() -> Iterator[tuple[str, Callable[[], Any]]]:
    import minio
    import urllib3
    from minio.datatypes import PostPolicy

    url, bucket = urlsplit(ENDPOINT), OPTIONS["bucket"]
    secure = url.scheme == "https"
    client = minio.Minio(
        url.netloc,
        OPTIONS["access_key"],
        OPTIONS["secret_key"],
        secure=secure,
        region=REGION,
        http_client=urllib3.PoolManager(
            ca_certs=OPTIONS.get("ca_bundle") if secure else None,
            retries=urllib3.Retry(total=0),
        ),
    )

    def post() -> dict[str, Any]:
        policy = PostPolicy(bucket, _expiry())
        policy.add_equals_condition("key", "posted.txt")
        fields = client.presigned_post_policy(policy)
        return {"url": f"{ENDPOINT}/{bucket}", "fields": {"key": "posted.txt", **fields}}

    yield "make_bucket", lambda: client.make_bucket(bucket)
    yield "put_object", lambda: client.put_object(bucket, "k.txt", io.BytesIO(b"minio"), 5)
    yield "get_object", lambda: client.get_object(bucket, "k.txt").read().decode()
    yield "list_objects", lambda: [o.object_name for o in client.list_objects(bucket)]
    yield "presigned_get", lambda: client.presigned_get_object(bucket, "k.txt")
    yield "presigned_post", post


def boto_steps() -> Iterator[tuple[str, Callable[[], Any]]]:
    import os

    # boto 2 signs S3 with SigV4 only when told; the region is not in a local host's name.
    os.environ["S3_USE_SIGV4"] = "True"
    import boto
    import boto.s3.connection

    url, bucket = urlsplit(ENDPOINT), OPTIONS["bucket"]

    def connect() -> Any:
        return boto.connect_s3(
            OPTIONS["access_key"],
            OPTIONS["secret_key"],
            host=url.hostname,
            port=url.port,
            is_secure=False,
            calling_format=boto.s3.connection.OrdinaryCallingFormat(),
        )

    connection = connect()
    connection._auth_handler.region_name = REGION
    connection.num_retries = 0

    def put() -> None:
        connection.get_bucket(bucket, validate=False).new_key("k.txt").set_contents_from_string(
            "boto2"
        )

    yield "create_bucket", lambda: connection.create_bucket(bucket) and None
    yield "put_object", put
    yield (
        "get_object",
        lambda: (
            connection.get_bucket(bucket, validate=False)
            .get_key("k.txt")
            .get_contents_as_string()
            .decode()
        ),
    )
    yield "list_objects", lambda: [k.name for k in connection.get_bucket(bucket).list()]
    yield "presigned_get", lambda: connection.generate_url(3600, "GET", bucket, "k.txt")

    def presigned_get_v2() -> str:
        # Query auth by HmacV1 (SigV2): its Expires is boto.s3.connection's time.time() + 3600.
        del os.environ["S3_USE_SIGV4"]
        return str(connect().generate_url(3600, "GET", bucket, "k.txt"))

    yield "presigned_get_v2", presigned_get_v2


def aioaws_steps() -> Iterator[tuple[str, Callable[[], Any]]]:
    # aioaws speaks HTTPS only and puts the bucket in the host; SeaweedFS here
    # takes the path style, so the bucket is written into aws_host. Its
    # requests sign url.host, the path included: accepted. Its presigned GET
    # signs aws_host whole (path and all), which no server would take here, so
    # only its date is checked (by the test).
    import httpx
    from aioaws.s3 import S3Client, S3Config

    url, bucket = urlsplit(ENDPOINT), OPTIONS["bucket"]
    config = S3Config(
        aws_access_key=OPTIONS["access_key"],
        aws_secret_key=OPTIONS["secret_key"],
        aws_region=REGION,
        aws_s3_bucket=bucket,
        aws_host=f"{url.netloc}/{bucket}",
    )

    def run(step: Callable[[S3Client], Any]) -> Callable[[], Any]:
        async def main() -> Any:
            async with httpx.AsyncClient(verify=OPTIONS["ca_bundle"], timeout=30) as client:
                return await step(S3Client(client, config))

        return lambda: asyncio.run(main())

    async def listed(s3: S3Client) -> list[str]:
        return [f.key async for f in s3.list()]

    async def upload(s3: S3Client) -> None:
        await s3.upload("k.txt", b"aioaws")

    async def delete(s3: S3Client) -> list[str]:
        return list(await s3.delete("k.txt"))

    async def presigned_get(s3: S3Client) -> str:
        return s3.signed_download_url("k.txt")

    async def presigned_post(s3: S3Client) -> dict[str, Any]:
        return s3.signed_upload_url(
            path="posted/", filename="posted.txt", content_type="text/plain", size=6
        )

    yield "list_objects", run(listed)
    yield "put_object", run(upload)
    yield "delete_objects", run(delete)
    yield "presigned_get", run(presigned_get)
    yield "presigned_post", run(presigned_post)


PACKAGES: dict[str, Callable[[], Iterator[tuple[str, Callable[[], Any]]]]] = {
    "minio": minio_steps,
    "boto": boto_steps,
    "aioaws": aioaws_steps,
}


@contextlib.contextmanager
def as_asked() -> Iterator[None]:
    """The faker OPTIONS["faker"] names running (if any), the library on as "patch" says."""
    faker = OPTIONS.get("faker")
    with contextlib.ExitStack() as stack:
        if faker:
            stack.enter_context(faked_in_process(faker["name"], faker["days"]))
        stack.enter_context(patched(OPTIONS["patch"]))
        yield


def _steps() -> dict[str, Any]:
    results: dict[str, Any] = {}
    for name, step in PACKAGES[OPTIONS["package"]]():
        answer: list[Any] = []
        results[name] = attempt(lambda step=step, answer=answer: answer.append(step()))
        if not results[name]["ok"]:
            break  # refused: the rest would be too
        if answer and isinstance(answer[0], (str, list, dict)):  # what the test reads
            results[name]["answer"] = answer[0]
    return results


def scenario_s3() -> dict[str, Any]:
    """The package's steps against SeaweedFS, the library on as OPTIONS["patch"] says,
    inside a faker when OPTIONS["faker"] names one."""
    with as_asked():
        results = _steps()
        program = time.time()
    return {"results": results, "fake": program, "modules": sorted(_loaded())}


def scenario_msk_token() -> dict[str, Any]:
    """kafka-python's MSK IAM token for a broker at the endpoint's address (3.x, or 2.x)."""
    try:
        from kafka.net.sasl.msk import AwsMskIamClient
    except ImportError:
        from kafka.sasl.msk import AwsMskIamClient  # type: ignore[no-redef]

    with as_asked():
        client = AwsMskIamClient(
            urlsplit(ENDPOINT).netloc, OPTIONS["access_key"], OPTIONS["secret_key"], REGION
        )
        token = json.loads(client.first_message())
        program = time.time()
    return {"token": token, "fake": program}


def _stage_client(module: Any) -> Any:
    from snowflake.connector.file_transfer_agent import SnowflakeFileMeta, StorageCredential

    creds = {
        "AWS_KEY_ID": OPTIONS["access_key"],
        "AWS_SECRET_KEY": OPTIONS["secret_key"],
        "AWS_TOKEN": "",
    }
    meta = SnowflakeFileMeta(
        name="f.txt", src_file_name="f.txt", stage_location_type="S3", src_file_size=0
    )
    stage = {
        "region": REGION,
        "location": "bucket/stage/",
        "endPoint": None,
        "locationType": "S3",
        "creds": creds,
    }
    return module.SnowflakeS3RestClient(
        meta, StorageCredential(creds, None, "PUT"), stage, 8 << 20, use_accelerate_endpoint=False
    )


def scenario_snowflake_stage() -> dict[str, Any]:
    """Snowflake's S3 stage client, sync then aio, GETting a file from the endpoint.

    Made by hand, as the connector makes it for a PUT or GET on an S3 stage;
    with no connection it sends through a session of its own, to the URL it
    is given. It signs the Host without the port, and sends that Host.
    """
    from snowflake.connector import s3_storage_client

    url = ENDPOINT + "/bucket/stage/f.txt"
    faker = OPTIONS.get("faker")
    in_process = (
        faked_in_process(faker["name"], faker["days"]) if faker else contextlib.nullcontext()
    )
    results = {}
    with in_process, patched(OPTIONS["patch"]):
        client = _stage_client(s3_storage_client)
        response = client._send_request_with_authentication_and_retry(url, "GET", retry_id=0)
        results["sync"] = response.status_code
        if OPTIONS.get("aio"):  # in later 4.x releases
            from snowflake.connector.aio import _s3_storage_client

            async def aio() -> int:
                client = _stage_client(_s3_storage_client)
                response = await client._send_request_with_authentication_and_retry(
                    url, "GET", retry_id=0
                )
                return int(response.status)

            results["aio"] = asyncio.run(aio())
        program = time.time()
    return {"results": results, "fake": program}


def scenario_tls_stack() -> dict[str, Any]:
    """An HTTPS call signed for SeaweedFS, and the program's own call to another host name
    of it, through the stack OPTIONS["stack"] names: truststore injected before the library
    is on ("truststore-first") or after ("truststore-after"), boto3 on top; or pyOpenSSL
    injected into urllib3, requests-aws4auth on top."""
    import ssl
    import urllib.request

    stack = OPTIONS["stack"]
    if stack == "truststore-first":
        import truststore

        truststore.inject_into_ssl()
    with patched(OPTIONS["patch"]):
        if stack == "truststore-after":
            import truststore

            truststore.inject_into_ssl()
        if stack == "pyopenssl":
            import urllib3.contrib.pyopenssl

            urllib3.contrib.pyopenssl.inject_into_urllib3()
        signed = attempt(_signed_https_call)

        def own_call() -> None:
            # The same server by another name, which no signer signed for.
            context = ssl.create_default_context(cafile=OPTIONS["ca_bundle"])
            urllib.request.urlopen(
                ENDPOINT.replace("localhost", "127.0.0.1"), timeout=30, context=context
            ).close()

        own = attempt(own_call)
        context_type = type(ssl.create_default_context()).__module__
    return {"signed": signed, "own_call": own, "context_type": context_type}


def _signed_https_call() -> None:
    if OPTIONS["stack"] == "pyopenssl":
        import requests
        import requests_aws4auth

        auth = requests_aws4auth.AWS4Auth(
            OPTIONS["access_key"], OPTIONS["secret_key"], REGION, "s3"
        )
        response = requests.get(ENDPOINT + "/", auth=auth, verify=OPTIONS["ca_bundle"], timeout=30)
        if response.status_code != 200:
            raise RuntimeError(f"{response.status_code} {response.text[:200]}")
        return
    import boto3
    from botocore.config import Config

    boto3.client(
        "s3",
        endpoint_url=ENDPOINT,
        region_name=REGION,
        aws_access_key_id=OPTIONS["access_key"],
        aws_secret_access_key=OPTIONS["secret_key"],
        verify=OPTIONS["ca_bundle"],
        # One attempt: a failed handshake is not worth a back-off here.
        config=Config(retries={"total_max_attempts": 1}),
    ).list_buckets()


def _loaded() -> set[str]:
    return {name for name in ("botocore", "libfaketimefs_botocore") if name in sys.modules}


if __name__ == "__main__":
    print(json.dumps(globals()["scenario_" + sys.argv[1].replace("-", "_")]()))
