"""The AWS CLI, v1 and v2 (from source and frozen): its own reads of a time AWS checks.

It signs through botocore (v2 and recent v1 releases vendor botocore and
s3transfer, and the audit reads those copies too). Its own reads: v1 calls
``awscli.compat.get_current_datetime()``, v2 ``datetime.utcnow()`` inline, so
botocore's era helpers serve here too. Not the EKS token's
``expirationTimestamp``: kubectl compares it with its own, faked, clock. The
AWS CLI's plugin and its set-up are the command line's
(:mod:`libfaketimefs_botocore.awscli_plugin`). awscli is never imported here.
"""

from __future__ import annotations

from typing import Any, Callable

from libfaketimefs_botocore import stand_ins
from libfaketimefs_botocore.integrations.botocore import inline, named
from libfaketimefs_botocore.points import DURATION, NAME, TEST_HELPER, OnPurpose, WrapPoint
from libfaketimefs_botocore.stand_ins import RealtimeMethod
from libfaketimefs_botocore.state.switch import SWITCH

AUDITED = ("awscli",)
WATCHED: tuple[str, ...] = ()  # it imports botocore
# The AWS CLI v2 vendors these; its `import botocore` finds them.
VENDORS = ("botocore", "s3transfer")


def _steer_transfer_client(
    wrapped: Callable[..., str], instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> str:
    client_type = wrapped(*args, **kwargs)
    if client_type != "crt" or not SWITCH.on:
        return client_type
    stand_ins.debug_once(
        "the AWS CLI's CRT transfer client signs with the process clock: using its classic "
        "transfer client while real-time signing is on"
    )
    return "classic"


def transfer_client_type(original: Any) -> RealtimeMethod:
    """The AWS CLI v2's choice of S3 transfer client: the CRT one signs in C."""
    return RealtimeMethod(original, _steer_transfer_client)


WRAP_POINTS = (
    inline(
        "awscli.customizations.codecommit",
        "aws codecommit credential-helper's SigV4 signing time: datetime.utcnow()",
        signing=False,
    ),
    named(
        "awscli.customizations.codecommit",
        "aws codecommit credential-helper's SigV4 signing time: get_current_datetime()",
        signing=False,
    ),
    inline(
        "awscli.customizations.ec2.bundleinstance",
        "aws ec2 bundle-instance S3 upload policy expiration: datetime.utcnow()",
        signing=False,
    ),
    named(
        "awscli.customizations.ec2.bundleinstance",
        "aws ec2 bundle-instance S3 upload policy expiration: get_current_datetime()",
        signing=False,
    ),
    WrapPoint(
        "awscli.customizations.login.utils",
        "datetime",
        "aws login token expiry: datetime.now(tzutc())",
        stand_ins.RealtimeDatetimeModule,
    ),
    WrapPoint(
        "awscli.customizations.s3.factory",
        "TransferManagerFactory._compute_transfer_client_type",
        "aws s3 transfers: the CRT transfer client signs in C with the process clock; "
        "the classic one is used while the switch is on",
        transfer_client_type,
    ),
)

_EKS = (
    "the EKS token's expirationTimestamp is for kubectl, which compares it with its "
    "own, faked, clock"
)
_NOW_OF_THE_PROGRAM = (
    "the default end of a query over the user's own data, or the time left on a token "
    "in a message: the program's own 'now', not a signature or an expiry check "
    "(README: limitations)"
)
_LOCAL_RECORD = (
    "a time stamp in the AWS CLI's local history or telemetry database: kept on the "
    "machine, never a time AWS checks"
)

ON_PURPOSE = (
    OnPurpose("awscli.customizations.eks.get_token", "*", "datetime.datetime.utcnow", _EKS),
    OnPurpose(
        "awscli.customizations.eks.get_token", "*", "awscli.compat.get_current_datetime", _EKS
    ),
    OnPurpose("awscli.customizations.cloudformation.deployer", "*", "*", NAME),
    OnPurpose("awscli.customizations.cloudfront", "unique_string", "time.time", NAME),
    OnPurpose("awscli.customizations.codedeploy.push", "Push._validate_args", "*", NAME),
    OnPurpose("awscli.customizations.cloudtrail.validation", "*", "*", _NOW_OF_THE_PROGRAM),
    OnPurpose("awscli.customizations.datapipeline", "*", "*", _NOW_OF_THE_PROGRAM),
    OnPurpose("awscli.customizations.logs.tail", "*", "*", _NOW_OF_THE_PROGRAM),
    OnPurpose(
        "awscli.customizations.codeartifact.login",
        "BaseLogin._write_success_message",
        "datetime.datetime.now",
        _NOW_OF_THE_PROGRAM,
    ),
    OnPurpose("awscli.customizations.s3.results", "*", "time.time", DURATION),
    OnPurpose("awscli.customizations.sso.utils", "*", "time.time", DURATION),
    OnPurpose("awscli.customizations.logs.startlivetail", "*", "time.time", DURATION),
    OnPurpose("awscli.customizations.logs.ui", "*", "time.time", DURATION),
    OnPurpose("awscli.customizations.ecs.*", "*", "*", DURATION),
    OnPurpose("awscli.customizations.history.db", "*", "time.time", _LOCAL_RECORD),
    OnPurpose("awscli.telemetry", "*", "time.time", _LOCAL_RECORD),
    OnPurpose("awscli.testutils", "*", "*", TEST_HELPER),
)
