"""polars: Rust's object_store inside its runtime (``_polars_runtime*/_polars_runtime*.so``).

Its ``s3://`` reads and writes sign in Rust: under libfaketime with the fake
time, refused every time. The runtime's imports of the C clock are pointed
at the C library's own (:mod:`..native`), and every clock read in
the runtime is then real, not only the signatures: SQL's ``NOW()`` and
``CURRENT_DATE`` too (the program's Python clock stays fake), and its
timers. Leave it out with ``LIBFAKETIMEFS_BOTOCORE_NATIVE_EXCLUDE=polars``
where that matters more than S3. Never imported here.
"""

from __future__ import annotations

from libfaketimefs_botocore.points import NativeObject, OnPurpose, WrapPoint

AUDITED: tuple[str, ...] = ()
WATCHED = ("polars",)
WRAP_POINTS: tuple[WrapPoint, ...] = ()
ON_PURPOSE: tuple[OnPurpose, ...] = ()
NATIVE = (
    NativeObject(
        "polars",
        # The runtime is a package of its own, one of three builds (polars 2.x).
        ("polars", "_polars_runtime_32", "_polars_runtime_64", "_polars_runtime_compat"),
        "polars' S3 signatures (Rust object_store), and every other clock read in its runtime: "
        "SQL's NOW() and CURRENT_DATE, its timers and its threads' timed waits (jemalloc's)",
    ),
)
