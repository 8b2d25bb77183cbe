"""opensearch-py: its four signer classes sign with botocore's ``SigV4Auth``.

botocore's reads are botocore's integration's; here only the endpoint each
signature is for. It imports botocore, and the audit reads botocore. Never
imported here.
"""

from __future__ import annotations

from libfaketimefs_botocore import stand_ins
from libfaketimefs_botocore.points import OnPurpose, WrapPoint

AUDITED: tuple[str, ...] = ()
WATCHED: tuple[str, ...] = ()  # it imports botocore

WRAP_POINTS = (
    WrapPoint(
        "opensearchpy.helpers.signer",
        "AWSV4Signer.sign",
        "opensearch-py's signatures (botocore's SigV4Auth): the endpoint they are for",
        stand_ins.signs_method_url,
    ),
)
ON_PURPOSE: tuple[OnPurpose, ...] = ()
