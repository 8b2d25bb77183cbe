"""The hosts the signers signed for, which the TLS handshake looks up."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from libfaketimefs_botocore.tls import signed_hosts


@pytest.fixture(autouse=True)
def _empty() -> Iterator[None]:
    signed_hosts.forget()
    yield
    signed_hosts.forget()


def test_a_host_and_its_ports() -> None:
    signed_hosts.note("https://S3.Amazonaws.com/bucket/key?X-Amz-Date=1")
    signed_hosts.note("https://s3.amazonaws.com:8443/other")
    assert signed_hosts.signed_for("s3.amazonaws.com", 443)
    assert signed_hosts.signed_for("s3.amazonaws.com.", 8443)
    assert signed_hosts.signed_for("S3.AMAZONAWS.COM", None)  # a memory BIO: no port
    assert not signed_hosts.signed_for("s3.amazonaws.com", 444)
    assert not signed_hosts.signed_for("sts.amazonaws.com", 443)
    assert not signed_hosts.signed_for(None, 443)


def test_addresses_and_no_path() -> None:
    signed_hosts.note("https://127.0.0.1:9000")
    signed_hosts.note("https://[::1]:9001/")
    signed_hosts.note("https://a.example")
    signed_hosts.note("https://a.example2")  # its first part is not a.example's
    assert signed_hosts.signed_for("127.0.0.1", 9000)
    assert signed_hosts.signed_for("::1", 9001)
    assert signed_hosts.signed_for("a.example", 443)
    assert signed_hosts.signed_for("a.example2", 443)


def test_plain_http_and_broken_urls_are_not_hosts_to_judge() -> None:
    signed_hosts.note("http://s3.amazonaws.com/bucket")
    signed_hosts.note("https://host:notaport/")
    signed_hosts.note("https:///no-host")
    assert signed_hosts.hosts == {}


def test_bounded() -> None:
    for number in range(signed_hosts.LIMIT + 10):
        signed_hosts.note(f"https://bucket-{number}.s3.amazonaws.com/key")
    assert len(signed_hosts.hosts) <= signed_hosts.LIMIT
    assert signed_hosts.signed_for(f"bucket-{signed_hosts.LIMIT + 9}.s3.amazonaws.com", 443)
    assert not signed_hosts.signed_for("bucket-0.s3.amazonaws.com", 443)
