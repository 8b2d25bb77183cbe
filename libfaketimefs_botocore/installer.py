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
    """Where libfaketime is preloaded, redirect each native client's clock imports after each
    import of a module of its packages, and now for those already imported
    (:mod:`.native`). For good only: native code's clock cannot follow the switch.
    Idempotent."""
    global _native_installed
    from libfaketimefs_botocore.clock import libfaketime

    if _native_installed or not libfaketime.preloaded():
        return
    _native_installed = True
    import sys

    from libfaketimefs_botocore import integrations
    from libfaketimefs_botocore.native import watch

    packages = {package for _, native in integrations.NATIVE for package in native.packages}
    apply = _applier(integrations.NATIVE)
    watch.install(sorted(packages), apply)
    if any(package in sys.modules for package in packages):
        apply()


def _applier(natives: tuple[tuple[str, NativeObject], ...]) -> Callable[[], None]:
    from libfaketimefs_botocore.native import loaded, redirection

    seen = [(-1, -1)]

    def apply() -> None:
        # Only when an object was loaded or unloaded since the last look.
        try:
            now = loaded.generation()
        except Exception:  # noqa: BLE001 - apply() below says why, once
            now = (-2, -2)
        if now == seen[0]:
            return
        seen[0] = now
        redirection.apply(natives)

    return apply
