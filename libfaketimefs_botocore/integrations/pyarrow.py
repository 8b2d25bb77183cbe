"""pyarrow: ``S3FileSystem``, the AWS C++ SDK with its own curl and OpenSSL.

The SDK is in ``libarrow.so`` up to pyarrow 25 and in ``libarrow_s3.so``
(loaded with ``pyarrow.fs``) from 26 on: every object loaded from pyarrow's
folder is reached, whatever its name. Under libfaketime its OpenSSL judges
HTTPS by the fake clock (the handshake fails before anything is signed),
and the SDK signs with the fake time, is refused once, then corrects its
own skew from the refusal. The objects' imports of the C clock and its
timed waits are pointed at the C library's own (:mod:`..native`): its
OpenSSL's certificate checks, curl's and the SDK's timers then read the
real time.
The SDK's signing clock is ``std::chrono::system_clock``, read in
libstdc++, which is the whole process's: not redirected, so each new
``S3FileSystem`` is refused once and then signs right (docs/limitations.md).
Never imported here.
"""

from __future__ import annotations

from libfaketimefs_botocore.points import NativeLeft, NativeObject, OnPurpose, WrapPoint

AUDITED: tuple[str, ...] = ()
WATCHED = ("pyarrow",)
WRAP_POINTS: tuple[WrapPoint, ...] = ()
ON_PURPOSE: tuple[OnPurpose, ...] = ()
NATIVE = (
    NativeObject(
        "pyarrow.fs",
        ("pyarrow",),
        "pyarrow's OpenSSL certificate checks and its AWS SDK's and curl's timers (its signing "
        "clock is libstdc++'s: one refusal per S3FileSystem, then corrected)",
    ),
)
NATIVE_LEFT = (
    NativeLeft(
        "pyarrow",
        "_ZNSt6chrono3_V212system_clock3nowEv",
        "libstdc++'s std::chrono::system_clock::now, the whole process's C++ clock: the AWS "
        "SDK signs with it, is refused once per S3FileSystem and corrects its own skew",
    ),
)
