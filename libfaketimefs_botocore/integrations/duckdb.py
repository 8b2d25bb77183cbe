"""duckdb: httpfs signs S3 requests in C++, with the clock SQL's ``now()`` reads too.

Both are ``Timestamp::GetCurrentTimestamp``, which reads libstdc++'s
``std::chrono::system_clock``: the whole process's C++ clock, not duckdb's
own imports of the C clock. Redirecting ``_duckdb``'s imports changes
neither (measured, tests/end_to_end/test_native_clients.py), and
redirecting libstdc++'s would move every C++ library's clock: not reached,
and ``check`` says so. Never imported here.
"""

from __future__ import annotations

from libfaketimefs_botocore.points import OnPurpose, Unreached, WrapPoint

AUDITED: tuple[str, ...] = ()
WATCHED: tuple[str, ...] = ()
WRAP_POINTS: tuple[WrapPoint, ...] = ()
ON_PURPOSE: tuple[OnPurpose, ...] = ()
UNREACHED = (
    Unreached(
        "duckdb",
        "httpfs's S3 requests are signed with the FAKED clock under libfaketime",
        "duckdb reads its clock (SQL's now() and httpfs's signing time alike) through "
        "libstdc++'s std::chrono::system_clock, the whole process's, not through its own "
        "imports of the C clock (measured: redirecting them changes neither)",
    ),
)
