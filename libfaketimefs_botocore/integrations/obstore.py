"""obstore: Rust's object_store in ``obstore/_obstore*.so``, which signs and presigns in Rust.

No Python wrapper reaches it; under libfaketime its C clock is faked, so
every request and presigned URL is dated with the fake time and refused,
then retried with the same date. Its object's imports of the C clock are
pointed at the C library's own (:mod:`..native`): every clock read
in it is then real, its timers' too (retry back-off, timeouts: the real
monotonic clock instead of libfaketime's). freezegun and time-machine do
not reach native code: nothing to do there. Never imported here.
"""

from __future__ import annotations

from libfaketimefs_botocore.points import NativeObject, OnPurpose, WrapPoint

AUDITED: tuple[str, ...] = ()
WATCHED = ("obstore",)
WRAP_POINTS: tuple[WrapPoint, ...] = ()
ON_PURPOSE: tuple[OnPurpose, ...] = ()
NATIVE = (
    NativeObject(
        "obstore",
        ("obstore",),
        "obstore's signatures, presigned URLs and credential expiry (Rust object_store), and "
        "its retry and timeout timers",
    ),
)
