"""aiobotocore: botocore's async twin, whose signers and endpoint are its own subclasses.

Reused from botocore's integration: the era helpers, the endpoint a signature
is for, and the resend of a refused request (its async form).
aiobotocore.credentials and aiobotocore.tokens import botocore's ``_local_now``
and ``_utc_now`` by name: the functions themselves, whose bodies read the
``datetime`` names botocore's integration replaces, so they need no point here.
"""

from __future__ import annotations

from libfaketimefs_botocore.integrations.botocore import (
    inline,
    named,
    needs_retry,
    signs_request,
    signs_request_dict,
)
from libfaketimefs_botocore.points import OnPurpose, WrapPoint

AUDITED = ("aiobotocore",)
WATCHED: tuple[str, ...] = ()  # it imports botocore

SIGNERS = (
    inline("aiobotocore.signers", "aiobotocore presigned POST expiration: datetime.utcnow()"),
    named("aiobotocore.signers", "aiobotocore presigned POST expiration: get_current_datetime()"),
    WrapPoint(
        "aiobotocore.signers",
        "AioRequestSigner.sign",
        "every aiobotocore signature: the endpoint it is for",
        signs_request,
    ),
    WrapPoint(
        "aiobotocore.signers",
        "AioS3PostPresigner.generate_presigned_post",
        "aiobotocore presigned POST: the endpoint it is for",
        signs_request_dict,
    ),
)

ENDPOINT = (
    WrapPoint(
        "aiobotocore.endpoint",
        "AioEndpoint._needs_retry",
        "a refusal for the request's time: learn the endpoint's clock, send again",
        needs_retry,
    ),
)

WRAP_POINTS = (*SIGNERS, *ENDPOINT)
ON_PURPOSE: tuple[OnPurpose, ...] = ()
