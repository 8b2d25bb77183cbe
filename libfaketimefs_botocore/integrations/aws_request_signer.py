"""aws-request-signer: ``AwsRequestSigner``'s headers, presigned URLs and S3 POST policies.

``sign_s3_post_policy`` is not told the bucket's URL, so a clock learned for
that endpoint does not apply to it. Never imported here.
"""

from __future__ import annotations

from libfaketimefs_botocore import stand_ins
from libfaketimefs_botocore.points import OnPurpose, WrapPoint

AUDITED = ("aws_request_signer",)
WATCHED = ("aws_request_signer",)

WRAP_POINTS = (
    WrapPoint(
        "aws_request_signer",
        "datetime",
        "aws-request-signer's signatures, presigned URLs and POST policies: "
        "datetime.datetime.utcnow()",
        stand_ins.SigningDatetimeModule,
    ),
    WrapPoint(
        "aws_request_signer",
        "AwsRequestSigner.sign_with_headers",
        "aws-request-signer's signatures: the endpoint they are for",
        stand_ins.signs_method_url,
    ),
    WrapPoint(
        "aws_request_signer",
        "AwsRequestSigner.presign_url",
        "aws-request-signer's presigned URLs: the endpoint they are for",
        stand_ins.signs_method_url,
    ),
)
ON_PURPOSE: tuple[OnPurpose, ...] = ()
