"""The HTTPS hosts the AWS signers signed for in this process.

Noted at each signature only while libfaketime is in the process (the only
faker here that reaches OpenSSL's clock), so that elsewhere the signing path
does nothing more. A host is kept with the ports signed for on it.
"""

from __future__ import annotations

import threading

from libfaketimefs_botocore.clock import endpoint_offsets

# Set once, by handshake.install(), before any signature is noted.
watching = False

LIMIT = 4096  # hosts kept: a program that signs for more forgets the oldest

# host -> ports; both replaced whole, never changed: read without the lock.
hosts: dict[str, frozenset[int]] = {}
_seen: frozenset[str] = frozenset()  # the URLs' first parts already noted
_lock = threading.Lock()


def note(url: str) -> None:
    """Note the host of ``url``, an HTTPS URL a signer signs for."""
    # The part up to the path, found without parsing: a known one costs a lookup.
    end = url.find("/", 8)  # past "https://"
    head = url if end < 0 else url[:end]
    if head in _seen:
        return
    _add(head, url)


def _add(head: str, url: str) -> None:
    global hosts, _seen
    try:
        scheme, host, port = endpoint_offsets.endpoint(url)
    except ValueError:  # not a URL a connection is made to (a port that is not a number)
        return
    host = _host_key(host)
    with _lock:
        seen = _seen if len(_seen) < LIMIT else frozenset()
        _seen = seen | {head}
        if scheme != "https" or not host:
            return
        kept = hosts if len(hosts) < LIMIT else dict(list(hosts.items())[LIMIT // 2 :])
        hosts = {**kept, host: kept.get(host, frozenset()) | {port}}


def signed_for(host: str | None, port: int | None) -> bool:
    """Whether a signer signed for ``host`` (on ``port``, when the connection tells it)."""
    if not host:
        return False
    ports = hosts.get(_host_key(host))
    return ports is not None and (port is None or port in ports)


def _host_key(host: str) -> str:
    return host.lower().rstrip(".").strip("[]")


def forget() -> None:
    global hosts, _seen
    with _lock:
        hosts, _seen = {}, frozenset()
