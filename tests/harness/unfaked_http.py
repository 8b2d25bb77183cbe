"""Requests from the test process itself, which is not faked: a presigned URL's or POST's user."""

from __future__ import annotations

import ssl
import urllib.error
import urllib.request
import uuid


def send(
    url: str,
    method: str = "GET",
    data: bytes | None = None,
    *,
    cafile: str | None = None,
    **headers: str,
) -> tuple[int, bytes]:
    """A request from this (unfaked) process, as a presigned URL's user sends it.

    ``cafile``: the CA an HTTPS server's certificate is trusted through.
    """
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    context = None if cafile is None else ssl.create_default_context(cafile=cafile)
    try:
        with urllib.request.urlopen(request, timeout=30, context=context) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        body = error.read()
        error.close()
        return error.code, body


def post_form(
    post: dict[str, object], content: bytes, cafile: str | None = None
) -> tuple[int, bytes]:
    """A browser's upload with a presigned POST: its fields, then the file."""
    boundary = uuid.uuid4().hex
    fields = post["fields"]
    assert isinstance(fields, dict)
    parts: list[bytes] = []
    for name, value in [*fields.items(), ("file", content)]:
        disposition = f'form-data; name="{name}"' + ('; filename="f.txt"' if name == "file" else "")
        parts += [f"--{boundary}".encode(), f"Content-Disposition: {disposition}".encode(), b""]
        parts.append(value if isinstance(value, bytes) else str(value).encode())
    parts += [f"--{boundary}--".encode(), b""]
    return send(
        str(post["url"]),
        "POST",
        b"\r\n".join(parts),
        cafile=cafile,
        **{"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
