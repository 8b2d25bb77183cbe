"""A new HTTPS connection to a host signed for, under libfaketime at the real time.

Its SSL (``wrap_bio``) and a whole handshake, the median of the fastest of 7
batches; patched, the certificate is judged by the real time.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from benchmarks import runner
from benchmarks.context import Context


def work(setup: str) -> dict[str, float]:
    """Seconds for a new client connection's SSL and for a whole handshake (memory BIOs,
    verifying a certificate of the tests' CA), the fastest of 7 batches; run under
    libfaketime at the real time, so that the unpatched handshake verifies too."""
    import ssl

    from tests.harness import certificates

    runner.turn_on(setup)
    with tempfile.TemporaryDirectory(prefix="bench-tls-") as directory:
        made = certificates.make(Path(directory))
        server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_context.load_cert_chain(made.certificate, made.key)
        client_context = ssl.create_default_context(cafile=str(made.ca))
    # A signature for the host (patched, its connections get the real time); made
    # unpatched too, so that both processes hold the same.
    import botocore.session

    botocore.session.get_session().create_client(
        "s3",
        endpoint_url="https://localhost",
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
    ).generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"})

    def new_connection() -> None:
        client_context.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), server_hostname="localhost")

    def handshake() -> None:
        to_server, to_client = ssl.MemoryBIO(), ssl.MemoryBIO()
        client = client_context.wrap_bio(to_client, to_server, server_hostname="localhost")
        server = server_context.wrap_bio(to_server, to_client, server_side=True)
        done = [False, False]
        while not all(done):
            for index, side in enumerate((client, server)):
                if not done[index]:
                    try:
                        side.do_handshake()
                        done[index] = True
                    except ssl.SSLWantReadError:
                        pass

    return {
        "ssl": runner.fastest(new_connection, 7000),
        "handshake": runner.fastest(handshake, 700),
        "pid": os.getpid(),
    }


def measure(context: Context) -> list[str]:
    env = {**runner.run_env(), **runner.at_the_real_time()}

    def run(name: str) -> dict[str, float]:
        figures: dict[str, float] = runner.in_fresh_process("tls", "work", env, name)
        return figures

    samples = runner.rotated(["plain", "on"], context.rounds, run)
    lines = [
        "A new HTTPS connection to a host signed for, under libfaketime (at the real time),",
        "median of the fastest of 7 batches; patched: its certificate judged by the real time:",
    ]
    for figure, label in (("ssl", "its SSL (wrap_bio)"), ("handshake", "a whole handshake")):
        plain = runner.median(f[figure] for f in samples["plain"])
        on = runner.median(f[figure] for f in samples["on"])
        lines.append(
            f"  {label:22}{plain * 1e6:9.1f} us unpatched {on * 1e6:9.1f} us patched "
            f"({on - plain:+.1e} s, {on / plain - 1:+.1%})"
        )
    return lines
