"""pyarrow: ``S3FileSystem``, the AWS C++ SDK with its own curl and OpenSSL.

The SDK is in ``libarrow.so`` up to pyarrow 25 and in ``libarrow_s3.so``
(loaded with ``pyarrow.fs``) from 26 on: every object loaded from pyarrow's
folder is reached, whatever its name. Under libfaketime its OpenSSL judges
HTTPS by the fake clock (the handshake fails before anything is signed),
and the SDK signs with the fake time, is refused once, then corrects its
own skew from the refusal. The objects' imports of the C clock and its
timed waits are pointed at the C library's own (:mod:`..native`): its
OpenSSL's certificate checks, curl's and the SDK's timers then read the
real time. The SDK signs with ``std::chrono::system_clock::now``, imported
from libstdc++, which is the whole process's: that import is pointed at a
second libstdc++ in a namespace of its own, so the first request is signed
with the real time. Never imported here.
"""

from __future__ import annotations

from libfaketimefs_botocore.points import NativeObject, OnPurpose, WrapPoint

AUDITED: tuple[str, ...] = ()
WATCHED = ("pyarrow",)
WRAP_POINTS: tuple[WrapPoint, ...] = ()
ON_PURPOSE: tuple[OnPurpose, ...] = ()
NATIVE = (
    NativeObject(
        "pyarrow.fs",
        ("pyarrow",),
        "pyarrow's AWS SDK's signatures (its std::chrono::system_clock), its OpenSSL's "
        "certificate checks, its SDK's and curl's timers",
    ),
)
