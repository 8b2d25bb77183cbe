"""Sign botocore requests with the real time under libfaketime.

libfaketimefs serves the real time in a file; with ``FAKETIME_REALTIME_FILE``
naming it, botocore reads that file for request signatures, presigned URLs
and POST policies, and credential and token expiry. The rest of the program
keeps the fake time.
"""

from __future__ import annotations

from libfaketimefs_botocore.clock import RealtimeError
from libfaketimefs_botocore.signing import patch_botocore, realtime_signing

__all__ = ["RealtimeError", "__version__", "patch_botocore", "realtime_signing"]

__version__ = "0.1.0"
