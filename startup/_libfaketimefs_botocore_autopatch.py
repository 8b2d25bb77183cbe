"""Interpreter start-up hook: patch botocore, or another AWS signer, when it is imported.

Loaded from ``libfaketimefs_botocore.pth`` only when
``LIBFAKETIMEFS_BOTOCORE_AUTOPATCH=1``. It imports neither botocore nor the
library at start-up, only wrapt, and arranges ``patch_botocore()`` for the
moment botocore or one of the other signers is imported. It must never break start-up: any error is
reported on stderr in one line and swallowed.
"""

import sys

_reported = False

# The top-level packages of the wrap-point tables that sign without botocore
# (the others import botocore); tests/test_patch_orders.py checks the list.
SIGNERS = (
    "botocore",
    "requests_aws4auth",
    "aws_requests_auth",
    "requests_auth_aws_sigv4",
    "httpx_auth",
    "aws_request_signer",
    "aws_sdk_signers",
    "smithy_core",
    "smithy_aws_core",
    "awscrt",
    "amazon_transcribe",
)


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

        for name in SIGNERS:
            wrapt.register_post_import_hook(_patch, name)
    except Exception as error:  # noqa: BLE001 - must not break start-up
        _report(error)
