"""`make demo`: a boto3 call under a fake time a year ahead, without and with the patch.

It starts the real libfaketimefs, a local AWS-like endpoint that checks
signatures and the 5-minute window, and a real S3 server (SeaweedFS, which
checks SigV4 with code of its own), jumps the fake time a year ahead, and
runs the same boto3 programs under libfaketime without the library and with
it. Everything it starts is stopped and unmounted on the way out, Ctrl-C and
SIGTERM included.
"""

from __future__ import annotations

import datetime
import json
import signal
import sys
import tempfile
import textwrap
from pathlib import Path
from types import FrameType

from tests.harness.endpoint import ACCESS_KEY, SECRET_KEY, Endpoint
from tests.harness.faketime import DAY, Mount, run_faked
from tests.harness.seaweedfs import SeaweedFS

PROGRAM = textwrap.dedent(
    f"""
    import json, sys, time
    if sys.argv[1] == "patched":
        import libfaketimefs_botocore.patch
    import boto3
    sts = boto3.client(
        "sts", endpoint_url=sys.argv[2], region_name="us-east-1",
        aws_access_key_id="{ACCESS_KEY}", aws_secret_access_key="{SECRET_KEY}",
    )
    try:
        arn = sts.get_caller_identity()["Arn"]
        print(json.dumps({{"ok": True, "said": arn, "clock": time.time()}}))
    except Exception as error:
        print(json.dumps({{"ok": False, "said": str(error), "clock": time.time()}}))
    """
)

# The same upload to a real S3 server over HTTPS, as AWS is: SeaweedFS answers in
# its own words, and its certificate (the demo's own CA) is judged by OpenSSL.
UPLOAD = textwrap.dedent(
    """
    import json, sys, time
    if sys.argv[1] == "patched":
        import libfaketimefs_botocore.patch
    import boto3
    s3 = boto3.client(
        "s3", endpoint_url=sys.argv[2], region_name="us-east-1",
        aws_access_key_id=sys.argv[3], aws_secret_access_key=sys.argv[4], verify=sys.argv[5],
    )
    try:
        s3.create_bucket(Bucket="demo")
        answer = s3.put_object(Bucket="demo", Key="hello.txt", Body=b"hello")
        said = "stored demo/hello.txt, ETag " + answer["ETag"]
        ok, headers = True, answer["ResponseMetadata"]["HTTPHeaders"]
    except Exception as error:
        said, ok = str(error), False
        headers = getattr(error, "response", {}).get("ResponseMetadata", {}).get("HTTPHeaders", {})
    print(json.dumps({"ok": ok, "said": said, "server": headers.get("server", "?")}))
    """
)


def when(seconds: float) -> str:
    moment = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def run(mode: str, mount: Mount, endpoint: Endpoint) -> dict[str, object]:
    return _faked([PROGRAM, mode, endpoint.url], mount)


def upload(mode: str, mount: Mount, s3: SeaweedFS) -> dict[str, object]:
    return _faked([UPLOAD, mode, s3.https_url, s3.access_key, s3.secret_key, s3.ca_bundle], mount)


def _faked(arguments: list[str], mount: Mount) -> dict[str, object]:
    result = run_faked([sys.executable, "-c", *arguments], mount, timeout=120)
    if result.returncode != 0:
        raise SystemExit(f"the boto3 program failed:\n{result.stderr}")
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main() -> int:
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    with tempfile.TemporaryDirectory(prefix="libfaketimefs-demo-") as directory:
        mount = Mount(Path(directory) / "mnt")
        mount.start()
        try:
            # Named like the mount's folder: whatever is left of either is the demo's.
            with Endpoint() as endpoint, SeaweedFS(prefix="libfaketimefs-demo-s3-") as s3:
                return demo(mount, endpoint, s3)
        except KeyboardInterrupt:
            print("\ninterrupted: cleaning up")
            return 130
        finally:
            mount.stop()
            print(
                f"unmounted {mount.mountpoint}, stopped libfaketimefs, the endpoint and SeaweedFS"
            )


def demo(mount: Mount, endpoint: Endpoint, s3: SeaweedFS) -> int:
    print(f"libfaketimefs is mounted at {mount.mountpoint}; it serves the real time in")
    print(f"  {mount.realtime}")
    print(f"a local AWS-like endpoint listens at {endpoint.url}: it recomputes each")
    print("  signature and refuses a request time more than 5 minutes from its own clock")
    mount.jump(365 * DAY)
    real = float(mount.realtime.read_text())
    print(f"the fake time jumps a year ahead: real time {when(real)},")
    print(f"  fake time {when(real + 365 * DAY)} for processes under libfaketime\n")

    print("1) a boto3 program under libfaketime, as it is:")
    plain = run("plain", mount, endpoint)
    print(f"   sts.get_caller_identity() -> {'accepted' if plain['ok'] else 'REFUSED'}")
    print(f"   {plain['said']}\n")

    print("2) the same program with `import libfaketimefs_botocore.patch`")
    print(f"   and FAKETIME_REALTIME_FILE={mount.realtime}:")
    patched = run("patched", mount, endpoint)
    print(f"   sts.get_caller_identity() -> {'accepted' if patched['ok'] else 'REFUSED'}")
    print(f"   {patched['said']}")
    print(f"   while its own clock, time.time(), still says {when(float(patched['clock']))}\n")

    print(f"3) a real S3 server, SeaweedFS, over HTTPS as AWS is (S3 at {s3.https_url},")
    print("   its own SigV4 check; a certificate valid from 10 days ago to 30 days ahead):")
    print("   an upload (create_bucket, put_object) under libfaketime as it is:")
    refused = upload("plain", mount, s3)
    print(f"   -> {'accepted' if refused['ok'] else 'REFUSED'} in the TLS handshake, by OpenSSL")
    print(f"   {refused['said']}")
    print("   and with `import libfaketimefs_botocore.patch`:")
    stored = upload("patched", mount, s3)
    print(f"   -> {'accepted' if stored['ok'] else 'REFUSED'}, answered by {stored['server']}")
    print(f"   {stored['said']}\n")

    shown = (
        not plain["ok"]
        and "Signature not yet current" in str(plain["said"])
        and patched["ok"]
        and not refused["ok"]
        and "certificate has expired" in str(refused["said"])
        and stored["ok"]
        and str(stored["server"]).startswith("SeaweedFS")
    )
    if shown:
        print("So: under a faked clock AWS refuses botocore's signature (SignatureDoesNotMatch:")
        print("Signature not yet current), and OpenSSL finds an HTTPS endpoint's certificate")
        print("expired; with libfaketimefs_botocore botocore signs with the real time, the")
        print("endpoint's certificate is judged by it, and both accept; the rest of the program")
        print("keeps the fake time.")
        return 0
    print("The demo did not show what it should: see the answers above.")
    return 1


if __name__ == "__main__":
    sys.exit(main())
