"""Sign botocore requests with the real time under a faked clock.

botocore reads the real time for request signatures, presigned URLs and POST
policies, and credential and token expiry: from the libfaketimefs file named
by ``FAKETIME_REALTIME_FILE`` when it is set, else from the kernel's clock,
which libfaketime, freezegun and time-machine do not reach. The rest of the
program keeps the fake time. ``signing_time()`` signs with a time of the
caller's choosing instead, in one thread or task; ``real_time()`` is the real time for
the program's own arithmetic against AWS. Under libfaketime, the
certificates of the endpoints they sign for are judged by the real time too.
"""

from __future__ import annotations

from libfaketimefs_botocore.chosen_time import signing_time
from libfaketimefs_botocore.clock import RealtimeError
from libfaketimefs_botocore.real_time import real_time
from libfaketimefs_botocore.signing import patch_botocore, realtime_signing
from libfaketimefs_botocore.tls import TLSTimeWarning

__all__ = [
    "RealtimeError",
    "TLSTimeWarning",
    "__version__",
    "patch_botocore",
    "real_time",
    "realtime_signing",
    "signing_time",
]

__version__ = "0.9.0"
