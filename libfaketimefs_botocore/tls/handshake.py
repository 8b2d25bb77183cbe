"""The real time for the handshakes of connections to the hosts the signers signed for.

The standard library's ``SSLContext`` makes the ``SSL`` of every client
connection in ``_wrap_socket`` (sockets: urllib3, requests, httpx's sync
client) and ``_wrap_bio`` (asyncio: aiohttp, httpx's async client), before
the handshake: both are wrapped on the class, so that every context, made
before the patch or after, is reached, and the time is set on that one
connection, not on a context other connections share. The class is found
in ``ssl.SSLContext``'s ancestry, not taken from the name: truststore's
``inject_into_ssl()`` puts its own subclass there, whose connections are made
by a standard-library context inside it, in either order. pyOpenSSL's
connections (urllib3's ``inject_into_urllib3()``, Snowflake's connector) are
given the time at their ``do_handshake()`` (:mod:`.pyopenssl`).
"""

from __future__ import annotations

import sys
import threading
from typing import Any, Callable

import wrapt

from libfaketimefs_botocore import clock, notice
from libfaketimefs_botocore.clock import libfaketime
from libfaketimefs_botocore.state import reading
from libfaketimefs_botocore.tls import TLSTimeWarning, openssl, pyopenssl, signed_hosts


class _State:
    verify_time: openssl.VerifyTime | None = None
    unavailable: str | None = None  # why there is no verify_time
    warned = False


_STATE = _State()
_install_lock = threading.Lock()
_installed = False


def install() -> None:
    """Note the signers' hosts, wrap ssl's connection makers: where libfaketime is, and on Linux
    wherever the C clock can be faked later (a vDSO faker, arriving mid-run). Idempotent."""
    global _installed
    if _installed:
        return
    with _install_lock:
        if _installed:
            return
        _installed = True
        if libfaketime.preloaded() or sys.platform == "linux":
            signed_hosts.watching = True
            wrapt.register_post_import_hook(_wrap_ssl, "ssl")
            wrapt.register_post_import_hook(_wrap_pyopenssl, "OpenSSL.SSL")


def verify_time() -> openssl.VerifyTime | None:
    """The way to set verification times, opened at the first call; None when there is none."""
    if _STATE.verify_time is None and _STATE.unavailable is None:
        try:
            _STATE.verify_time = openssl.open_verify_time()
        except openssl.Unavailable as error:
            _STATE.unavailable = str(error)
        except Exception as error:  # noqa: BLE001 - anything unforeseen: the process clock
            _STATE.unavailable = f"{type(error).__name__}: {error}"
    return _STATE.verify_time


def unavailable() -> str | None:
    """Why certificates cannot be judged by the real time here (None: they can)."""
    verify_time()
    return _STATE.unavailable


def _wrap_ssl(module: Any) -> None:
    context_type = openssl.standard_context_type(module)
    for name, wrapper in (("_wrap_socket", _on_socket), ("_wrap_bio", _on_bio)):
        if not isinstance(vars(context_type).get(name), _HandshakeWrapper):
            setattr(context_type, name, _HandshakeWrapper(getattr(context_type, name), wrapper))


def _wrap_pyopenssl(module: Any) -> None:
    connection_type = module.Connection
    if not isinstance(vars(connection_type).get("do_handshake"), _HandshakeWrapper):
        connection_type.do_handshake = _HandshakeWrapper(
            connection_type.do_handshake, _on_pyopenssl_handshake
        )


class _HandshakeWrapper(wrapt.FunctionWrapper):  # type: ignore[type-arg]
    """Ours, on the standard ``SSLContext`` and pyOpenSSL's ``Connection``: told apart from
    anyone else's."""


def _on_socket(
    wrapped: Callable[..., Any], context: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    connection = wrapped(*args, **kwargs)
    if signed_hosts.hosts and not _argument(args, kwargs, 1, "server_side"):
        sock = args[0] if args else kwargs["sock"]
        host = _argument(args, kwargs, 2, "server_hostname")
        try:
            peer_host, port = sock.getpeername()[:2]
        except (OSError, ValueError, TypeError):
            peer_host, port = None, None
        # urllib3 gives no server_hostname for an IP address: the peer's is the host.
        _judge(host or peer_host, port, _set_on_standard, context, connection)
    return connection


def _on_bio(
    wrapped: Callable[..., Any], context: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    connection = wrapped(*args, **kwargs)
    if signed_hosts.hosts and not _argument(args, kwargs, 2, "server_side"):
        # A memory BIO knows no port: any port signed for on the host.
        host = _argument(args, kwargs, 3, "server_hostname")
        _judge(host, None, _set_on_standard, context, connection)
    return connection


def _on_pyopenssl_handshake(
    wrapped: Callable[..., Any], connection: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    # Called again and again by a non-blocking handshake: setting the same time is harmless.
    if signed_hosts.hosts:
        host, port = pyopenssl.server(connection)
        _judge(host, port, pyopenssl.set_time, connection)
    return wrapped(*args, **kwargs)


def _argument(args: tuple[Any, ...], kwargs: dict[str, Any], index: int, name: str) -> Any:
    return args[index] if len(args) > index else kwargs.get(name)


def _judge(
    host: str | None, port: int | None, set_time: Callable[..., None], *connection: Any
) -> None:
    """Give ``connection`` the real time, through ``set_time(*connection, seconds)``, when it
    is to a host signed for and the library is on; else leave it be."""
    if not (reading.on_here() and signed_hosts.signed_for(host, port)):
        return
    if not (libfaketime.preloaded() or clock.c_clock_faked()):
        return  # OpenSSL's clock is the real one: nothing to move
    seconds = clock.now()
    if seconds is None:
        return  # no source of the real time: the process clock, as for signatures
    try:
        set_time(*connection, int(seconds))
    except openssl.Unavailable as error:
        _warn_once(host, str(error))


def _set_on_standard(context: Any, connection: Any, seconds: int) -> None:
    setter = verify_time()
    if setter is None:
        raise openssl.Unavailable(str(_STATE.unavailable))
    try:
        setter.set(context, connection, seconds)
    except openssl.Unavailable as error:
        _STATE.verify_time, _STATE.unavailable = None, str(error)
        raise


def _warn_once(host: str | None, why: str) -> None:
    if _STATE.warned:
        return
    _STATE.warned = True
    notice.warn(
        f"libfaketimefs-botocore: the certificate of {host} is judged by the process's "
        f"faked clock, not the real time: {why}",
        TLSTimeWarning,
        stacklevel=2,
    )
