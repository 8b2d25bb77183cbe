"""``import libfaketimefs_botocore.patch`` turns real-time signing on for good."""

from libfaketimefs_botocore.signing import patch_botocore

patch_botocore()
