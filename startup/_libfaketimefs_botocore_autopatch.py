"""Interpreter start-up hook: patch botocore when it is imported.

Loaded from ``libfaketimefs_botocore.pth`` only when
``LIBFAKETIMEFS_BOTOCORE_AUTOPATCH=1``. It imports neither botocore nor the
library at start-up, only wrapt, and arranges ``patch_botocore()`` for the
moment botocore is imported. It must never break start-up: any error is
reported on stderr in one line and swallowed.
"""

import sys

_reported = False


def _report(error: BaseException) -> None:
    global _reported
    if not _reported:
        _reported = True
        sys.stderr.write(
            f"libfaketimefs-botocore: autopatch disabled: {type(error).__name__}: {error}\n"
        )


def _patch(module: object) -> None:
    try:
        # The submodule, not the package: when the program's first import is
        # libfaketimefs_botocore itself, botocore is imported while the
        # package is still initialising.
        from libfaketimefs_botocore.signing import patch_botocore

        patch_botocore()
    except Exception as error:  # noqa: BLE001 - must not break the importer
        _report(error)


def install() -> None:
    try:
        import wrapt

        wrapt.register_post_import_hook(_patch, "botocore")
    except Exception as error:  # noqa: BLE001 - must not break start-up
        _report(error)
