"""Installing every integration's wrap points and the TLS handshake's, on the first use.

Above every integration and mechanism, below the public API. The imports are
made on first use, not with the package: wrapt 2 imports asyncio, which would
more than double the cost of ``import libfaketimefs_botocore``.
"""

from __future__ import annotations


def install_wrap_points() -> None:
    """Register the import hooks of the wrap points and the TLS handshakes; imports wrapt."""
    from libfaketimefs_botocore import integrations, wrapping
    from libfaketimefs_botocore.tls import handshake

    wrapping.install(integrations.WRAP_POINTS)
    handshake.install()
