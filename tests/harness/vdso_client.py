"""An unmodified boto3 program under a vDSO faker, against SeaweedFS over HTTPS.

    python vdso_client.py SCENARIO '{"endpoint": URL, ...}'

The faker is in the process from the start, or arrives mid-run
(``VDSO_FAKER_LATER``: seconds), after the client was made and one request
sent, as TimeChaos attaches to a running pod. Prints one JSON document.
"""

from __future__ import annotations

import ctypes
import json
import os
import sys
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

OPTIONS: dict[str, Any] = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}


def _attempt(call: Any) -> dict[str, Any]:
    try:
        answer = call()
    except Exception as error:  # noqa: BLE001 - reported to the test
        return {"ok": False, "code": f"{type(error).__name__}: {error}"[:400]}
    return {"ok": True, "answer": answer}


def scenario_boto3() -> dict[str, Any]:
    import boto3
    from botocore.config import Config

    s3 = boto3.client(
        "s3",
        endpoint_url=OPTIONS["endpoint"],
        aws_access_key_id=OPTIONS["access_key"],
        aws_secret_access_key=OPTIONS["secret_key"],
        region_name="us-east-1",
        verify=OPTIONS["ca_bundle"],
        # No resend: the first request must be signed, and its certificate judged, right.
        config=Config(
            signature_version="s3v4",
            retries={"max_attempts": 1, "mode": "standard"},
            s3={"addressing_style": "path"},
        ),
    )
    bucket = OPTIONS["bucket"]
    before: dict[str, Any] = {}
    later = os.environ.get("VDSO_FAKER_LATER")
    if later:
        before = _attempt(lambda: s3.put_object(Bucket=bucket, Key="before", Body=b"b") and None)
        faker = ctypes.CDLL(os.environ["VDSO_FAKER_LIBRARY"])
        assert faker.vdso_fake(ctypes.c_long(int(later))) == 0
    # A presigned URL made before any request under the faker.
    url = s3.generate_presigned_url("get_object", {"Bucket": bucket, "Key": "k"}, ExpiresIn=600)
    put = _attempt(lambda: s3.put_object(Bucket=bucket, Key="k", Body=b"vdso") and None)
    import libfaketimefs_botocore

    real = _attempt(lambda: libfaketimefs_botocore.real_time().timestamp())
    (amz_date,) = parse_qs(urlsplit(url).query)["X-Amz-Date"]
    return {
        "before": before,
        "presigned": url,
        "presigned_date": amz_date,
        "put": put,
        "real_time": real,
        "process": time.time(),
    }


if __name__ == "__main__":
    print(json.dumps(globals()["scenario_" + sys.argv[1].replace("-", "_")]()))
