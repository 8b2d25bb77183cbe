"""Installing every integration's wrap points and the TLS handshake's, on the first use; and,
for good, the native clients' clock redirections.

Above every integration and mechanism, below the public API. The imports are
made on first use, not with the package: wrapt 2 imports asyncio, which would
more than double the cost of ``import libfaketimefs_botocore``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from libfaketimefs_botocore.points import NativeObject


def install_wrap_points() -> None:
    """Register the import hooks of the wrap points and the TLS handshakes; imports wrapt."""
    from libfaketimefs_botocore import integrations, wrapping
    from libfaketimefs_botocore.tls import handshake

    wrapping.install(integrations.WRAP_POINTS)
    handshake.install()


_native_installed = False


def install_native() -> None:
    """Where libfaketime is preloaded, redirect each native client's imports of the C clock
    once the module that loads it is imported (:mod:`.clock_imports`). For good only: native
    code's clock cannot follow the switch. Idempotent."""
    global _native_installed
    from libfaketimefs_botocore.clock import libfaketime

    if _native_installed or not libfaketime.preloaded():
        return
    _native_installed = True
    import wrapt

    from libfaketimefs_botocore import integrations

    for integration, native in integrations.NATIVE:
        wrapt.register_post_import_hook(_applier(native, integration), native.module)


def _applier(native: NativeObject, integration: str) -> Callable[[object], None]:
    from libfaketimefs_botocore import clock_imports

    def apply(module: object) -> None:
        clock_imports.apply(native, integration)

    return apply
