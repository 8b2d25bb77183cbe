"""The verification time of one OpenSSL connection, through the libssl ``_ssl`` uses.

Python's ``ssl`` does not expose ``X509_VERIFY_PARAM_set_time``. The
``SSL`` object behind an ``_ssl._SSLSocket`` is reached by CPython's layout
(``PySSLSocket``: the object head, the socket, ``SSL *ssl``, the context;
``PySSLContext``: the head, ``SSL_CTX *ctx``), which is checked before it is
relied on: once when opened, on a connection made for the purpose, and
again on every connection (its ``SSL`` must belong to its context's
``SSL_CTX``, and its context field must be that context). Symbols are looked
up in ``_ssl``'s own libssl, whose version must be the one ``ssl`` reports,
so that the frozen AWS CLI's bundled OpenSSL is the one used there.
"""

from __future__ import annotations

import ctypes
import ssl
import sys
from dataclasses import dataclass
from typing import Any

_POINTER = ctypes.sizeof(ctypes.c_void_p)
_HEAD = object.__basicsize__  # PyObject_HEAD, whatever the build

_FUNCTIONS: dict[str, tuple[Any, list[Any]]] = {
    "OpenSSL_version_num": (ctypes.c_ulong, []),
    "SSL_CTX_get_options": (ctypes.c_uint64, [ctypes.c_void_p]),
    "SSL_get_SSL_CTX": (ctypes.c_void_p, [ctypes.c_void_p]),
    "SSL_get0_param": (ctypes.c_void_p, [ctypes.c_void_p]),
    "X509_VERIFY_PARAM_set_time": (None, [ctypes.c_void_p, ctypes.c_long]),
}


class Unavailable(Exception):
    """Why the verification time cannot be set in this process."""


@dataclass(frozen=True)
class VerifyTime:
    """Sets the time an ``_ssl._SSLSocket`` will judge its peer's certificate by."""

    library: Any  # the ctypes library: its functions, typed
    socket_type: type  # _ssl._SSLSocket, whose layout was checked

    def set(self, context: ssl.SSLContext, connection: object, seconds: int) -> None:
        """``connection`` (made by ``context``, not yet handshaken) verifies at ``seconds``."""
        ssl_pointer = self._ssl_of(context, connection)
        param = self.library.SSL_get0_param(ssl_pointer)
        if not param:
            raise Unavailable("SSL_get0_param() gave no parameters")
        self.library.X509_VERIFY_PARAM_set_time(param, seconds)

    def _ssl_of(self, context: ssl.SSLContext, connection: object) -> int:
        if type(connection) is not self.socket_type:
            kind = type(connection).__name__
            raise Unavailable(f"the connection is a {kind}, not an _ssl._SSLSocket")
        ctx_pointer = _field(context, 0)
        ssl_pointer = _field(connection, 1)
        if not ctx_pointer or not ssl_pointer:
            raise Unavailable("a null SSL_CTX or SSL where CPython's layout puts them")
        if _field(connection, 2) != id(context):
            raise Unavailable("the connection's context is not where CPython's layout puts it")
        if self.library.SSL_get_SSL_CTX(ssl_pointer) != ctx_pointer:
            raise Unavailable("the connection's SSL does not belong to its context's SSL_CTX")
        return ssl_pointer


def standard_context_type(module: Any = ssl) -> type:
    """The standard library's ``SSLContext``: ``ssl.SSLContext``, or the class it subclasses
    where truststore's ``inject_into_ssl()`` put its own there (whose connections are made by
    a standard-library context inside it)."""
    for klass in module.SSLContext.__mro__:
        if klass.__module__ == "ssl" and klass.__name__ == "SSLContext":
            return klass  # type: ignore[no-any-return]
    return module.SSLContext  # type: ignore[no-any-return]


def _field(instance: object, index: int) -> int:
    """The pointer-sized field ``index`` after the object head, read from memory."""
    value = ctypes.c_void_p.from_address(id(instance) + _HEAD + index * _POINTER).value
    return value or 0


def open_verify_time() -> VerifyTime:
    """The way to set verification times here; :class:`Unavailable` says why there is none."""
    if sys.implementation.name != "cpython":
        raise Unavailable(f"{sys.implementation.name} is not CPython, whose layout this reads")
    import _ssl

    context_type, socket_type = _ssl._SSLContext, getattr(_ssl, "_SSLSocket", None)
    if socket_type is None:
        raise Unavailable("_ssl has no _SSLSocket")
    if context_type.__basicsize__ < _HEAD + _POINTER or (
        socket_type.__basicsize__ < _HEAD + 3 * _POINTER
    ):
        raise Unavailable("_ssl's objects are smaller than CPython's layout of them")
    library = _libssl(getattr(_ssl, "__file__", None))
    found = library.OpenSSL_version_num()
    if found != ssl.OPENSSL_VERSION_NUMBER:
        raise Unavailable(
            f"the libssl found is {found:#x}, not the {ssl.OPENSSL_VERSION_NUMBER:#x} "
            f"that ssl reports ({ssl.OPENSSL_VERSION})"
        )
    verify_time = VerifyTime(library, socket_type)
    _probe(verify_time)
    return verify_time


def _libssl(path: str | None) -> Any:
    """``_ssl``'s library (its libssl among what it links), or the program's own symbols."""
    try:
        library = ctypes.CDLL(path)  # None: the program, where _ssl is built in
    except OSError as error:
        raise Unavailable(f"cannot open {path or 'the program'}: {error}") from None
    for name, (restype, argtypes) in _FUNCTIONS.items():
        try:
            function = getattr(library, name)
        except AttributeError:
            raise Unavailable(f"{name}() is not in the libssl of {path or 'the program'}") from None
        function.restype, function.argtypes = restype, argtypes
    return library


def _probe(verify_time: VerifyTime) -> None:
    """The layout, checked on a context and a connection of its own before it is used."""
    # The standard library's own class: ssl.SSLContext may be truststore's by now, and
    # then the class's options setter, which names ssl.SSLContext, would recurse: _ssl's
    # own descriptor sets them.
    context = standard_context_type()(ssl.PROTOCOL_TLS_CLIENT)
    options = _ssl_context_type().options
    options.__set__(context, options.__get__(context) | ssl.OP_NO_TICKET)  # read back below
    ctx_pointer = _field(context, 0)
    if not ctx_pointer or verify_time.library.SSL_CTX_get_options(ctx_pointer) != int(
        options.__get__(context)
    ):
        raise Unavailable("the SSL_CTX is not where CPython's layout puts it")
    # _ssl's own method: past any wrapper of ssl.SSLContext's, ours included.
    connection = _ssl_context_type()._wrap_bio(
        context, ssl.MemoryBIO(), ssl.MemoryBIO(), False, "probe.invalid"
    )
    verify_time.set(context, connection, 0)


def _ssl_context_type() -> Any:
    import _ssl

    return _ssl._SSLContext
