"""duckdb: httpfs signs S3 requests in C++, in an extension duckdb loads at run time.

The extension (``httpfs.duckdb_extension``) is a shared object that
``_duckdb`` loads with ``dlopen``: at ``LOAD httpfs``, or by itself inside
the statement that first needs it (``CREATE SECRET (TYPE s3, ...)``, a query
of ``s3://``), and it signs in that same statement. Its clock imports
(``clock_gettime``, libstdc++'s ``system_clock::now``, its timed waits) are
redirected from inside that ``dlopen``, before it returns
(:mod:`..native.dlopen`): however the extension came (``INSTALL httpfs``,
from a file, from the ``duckdb-ext-httpfs`` package's folder). ``_duckdb``'s
own clock, which SQL's ``now()`` and ``current_timestamp`` read, is left to
the program (``NATIVE_LEFT``). Known to work with duckdb 1.4.4 and its
httpfs. Never imported here.
"""

from __future__ import annotations

from libfaketimefs_botocore.points import NativeLeft, NativeObject, OnPurpose, WrapPoint

AUDITED: tuple[str, ...] = ()
WATCHED = ("duckdb",)
WRAP_POINTS: tuple[WrapPoint, ...] = ()
ON_PURPOSE: tuple[OnPurpose, ...] = ()
NATIVE = (
    NativeObject(
        "duckdb",
        ("_duckdb",),
        "the extensions it loads (httpfs: its S3 signatures, its TLS, its timers); SQL's "
        "now() and current_timestamp keep the program's clock",
        via_dlopen=True,
    ),
)
NATIVE_LEFT = (
    NativeLeft(
        "_duckdb",
        "*",
        "duckdb's own clock: SQL's now() and current_timestamp, the program's time to keep; "
        "what it signs with is in the extensions it loads, redirected as they are loaded",
    ),
)
