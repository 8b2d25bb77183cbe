"""The verification time of one pyOpenSSL connection, through the bindings it carries.

pyOpenSSL's ``Connection`` holds its ``SSL *`` (``_ssl``) and reaches
OpenSSL through ``cryptography``'s bindings (``OpenSSL._util.lib``), which
have ``SSL_get0_param`` and ``X509_VERIFY_PARAM_set_time``: no layout to
read, and the OpenSSL used is the one that makes the connection
(cryptography's own, statically linked, not ``_ssl``'s). urllib3's
``inject_into_urllib3()`` and Snowflake's connector 4.x make their HTTPS
connections this way.
"""

from __future__ import annotations

from typing import Any

from libfaketimefs_botocore.tls.openssl import Unavailable


def set_time(connection: Any, seconds: int) -> None:
    """``connection``, an ``OpenSSL.SSL.Connection`` not yet handshaken, verifies at ``seconds``."""
    try:
        from OpenSSL._util import lib

        param = lib.SSL_get0_param(connection._ssl)
        if not param:
            raise Unavailable("SSL_get0_param() gave no parameters")
        lib.X509_VERIFY_PARAM_set_time(param, seconds)
    except (ImportError, AttributeError, TypeError) as error:
        raise Unavailable(f"pyOpenSSL's bindings: {type(error).__name__}: {error}") from None


def server(connection: Any) -> tuple[str | None, int | None]:
    """The host a connection is to (its server name, else the peer's address) and its port."""
    name = connection.get_servername()
    try:
        peer_host, port = connection.getpeername()[:2]
    except (OSError, ValueError, TypeError, AttributeError):
        peer_host, port = None, None
    host = name.decode("ascii", "replace") if isinstance(name, bytes) else name
    return host or peer_host, port


def unavailable() -> str | None:
    """Why pyOpenSSL's connections cannot be given a time here (None: they can)."""
    try:
        from OpenSSL._util import lib
    except ImportError as error:
        return f"pyOpenSSL is not importable: {error}"
    missing = [f for f in ("SSL_get0_param", "X509_VERIFY_PARAM_set_time") if not hasattr(lib, f)]
    if missing:
        return f"pyOpenSSL's bindings lack {', '.join(missing)}"
    return None
