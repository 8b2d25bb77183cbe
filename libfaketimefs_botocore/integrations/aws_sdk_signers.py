"""aws-sdk-signers: the SigV4 signers of AWS's smithy-python SDKs, and its identities' expiry.

``SigV4Signer``, ``AsyncSigV4Signer`` and ``AsyncEventSigner`` (every event's
``:date``). Python 3.12 and later. Never imported here.
"""

from __future__ import annotations

from typing import Any

from libfaketimefs_botocore import stand_ins
from libfaketimefs_botocore.points import OnPurpose, WrapPoint

AUDITED = ("aws_sdk_signers",)
WATCHED = ("aws_sdk_signers",)


def _destination_url(*args: Any, request: Any, **kwargs: Any) -> str:
    return str(request.destination.build())


# ``sign(*, request, identity, properties)``: the request's ``destination`` URI.
signs_destination = stand_ins.signing_for(_destination_url)

WRAP_POINTS = (
    WrapPoint(
        "aws_sdk_signers.signers",
        "datetime",
        "aws-sdk-signers' X-Amz-Date (SigV4Signer, AsyncSigV4Signer) and every event's :date "
        "(AsyncEventSigner): datetime.datetime.now(datetime.UTC)",
        stand_ins.SigningDatetimeModule,
    ),
    WrapPoint(
        "aws_sdk_signers.signers",
        "SigV4Signer.sign",
        "aws-sdk-signers' signatures: the endpoint they are for (request.destination)",
        signs_destination,
    ),
    WrapPoint(
        "aws_sdk_signers.signers",
        "AsyncSigV4Signer.sign",
        "aws-sdk-signers' async signatures (smithy-python's clients): the endpoint they are for",
        signs_destination,
    ),
    WrapPoint(
        "aws_sdk_signers.interfaces.identity",
        "datetime",
        "aws-sdk-signers' identity expiry: datetime.now(tz=UTC)",
        stand_ins.RealtimeDatetimeClass,
    ),
)
ON_PURPOSE: tuple[OnPurpose, ...] = ()
