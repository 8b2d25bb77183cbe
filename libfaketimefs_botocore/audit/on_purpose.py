"""The clock reads left on the process clock on purpose, each with its reason.

Matched by module, enclosing function and what is finally called, not by
line, so that an entry survives the releases that move code around it. A
read that is neither here nor reached by a wrap point is unknown: the audit
fails on it, and it belongs either in a wrap-point table or here, with a
reason a reviewer can check against the code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OnPurpose:
    module: str
    function: str  # the enclosing qualified name; "*" for every function of the module
    call: str  # what is finally called, as the scanner names it
    reason: str


# Reasons shared by several entries.
_TTL = (
    "the amz-sdk-request ttl: the local clock plus the skew measured from the server's "
    "Date, read back to back, so the local clock cancels out and the ttl already agrees "
    "with AWS's clock under any fake time (tests/test_expiry_end_to_end.py checks it)"
)
_RETRY_QUOTA = (
    "the retry quota's token bucket refills by the time elapsed between two reads of the "
    "same process clock: a duration, never sent"
)
_DISCOVERY = (
    "the endpoint discovery cache expires its entries by the process clock: it compares "
    "two reads of the same clock and sends neither"
)
_MONITORING = (
    "client-side monitoring (CSM) time stamps go to a local agent, not to AWS, and are "
    "compared with nothing"
)
_EKS = (
    "the EKS token's expirationTimestamp is for kubectl, which compares it with its "
    "own, faked, clock"
)
_DURATION = (
    "elapsed time or a timeout between two reads of the same process clock (bandwidth, "
    "progress, a wait for the browser): a duration, never sent"
)
_NAME = (
    "a name, a description or a unique suffix made from the time: AWS stores it and "
    "compares it with no clock"
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
_TEST_HELPER = "the AWS CLI's helpers for its own tests: never run by the CLI"

ON_PURPOSE: tuple[OnPurpose, ...] = (
    # botocore
    OnPurpose("botocore.endpoint", "Endpoint._calculate_ttl", "datetime.datetime.utcnow", _TTL),
    OnPurpose("botocore.endpoint", "Endpoint._set_ttl", "datetime.datetime.utcnow", _TTL),
    OnPurpose(
        "botocore.endpoint", "Endpoint._calculate_ttl", "botocore.compat.get_current_datetime", _TTL
    ),
    OnPurpose(
        "botocore.endpoint", "Endpoint._set_ttl", "botocore.compat.get_current_datetime", _TTL
    ),
    OnPurpose("botocore.retries.bucket", "Clock.current_time", "time.time", _RETRY_QUOTA),
    OnPurpose("botocore.discovery", "EndpointDiscoveryManager.__init__", "time.time", _DISCOVERY),
    OnPurpose("botocore.monitoring", "MonitorEventAdapter.__init__", "time.time", _MONITORING),
    OnPurpose(
        "botocore.credentials",
        "BaseAssumeRoleCredentialFetcher._generate_assume_role_name",
        "time.time",
        _NAME,
    ),
    # s3transfer (standalone and vendored by the AWS CLI)
    OnPurpose("s3transfer.bandwidth", "TimeUtils.time", "time.time", _DURATION),
    # The AWS CLI's own commands (v1 calls awscli.compat.get_current_datetime(),
    # v2 datetime.utcnow()).
    OnPurpose("awscli.customizations.eks.get_token", "*", "datetime.datetime.utcnow", _EKS),
    OnPurpose(
        "awscli.customizations.eks.get_token", "*", "awscli.compat.get_current_datetime", _EKS
    ),
    OnPurpose("awscli.customizations.cloudformation.deployer", "*", "*", _NAME),
    OnPurpose("awscli.customizations.cloudfront", "unique_string", "time.time", _NAME),
    OnPurpose("awscli.customizations.codedeploy.push", "Push._validate_args", "*", _NAME),
    OnPurpose("awscli.customizations.cloudtrail.validation", "*", "*", _NOW_OF_THE_PROGRAM),
    OnPurpose("awscli.customizations.datapipeline", "*", "*", _NOW_OF_THE_PROGRAM),
    OnPurpose("awscli.customizations.logs.tail", "*", "*", _NOW_OF_THE_PROGRAM),
    OnPurpose(
        "awscli.customizations.codeartifact.login",
        "BaseLogin._write_success_message",
        "datetime.datetime.now",
        _NOW_OF_THE_PROGRAM,
    ),
    OnPurpose("awscli.customizations.s3.results", "*", "time.time", _DURATION),
    OnPurpose("awscli.customizations.sso.utils", "*", "time.time", _DURATION),
    OnPurpose("awscli.customizations.logs.startlivetail", "*", "time.time", _DURATION),
    OnPurpose("awscli.customizations.logs.ui", "*", "time.time", _DURATION),
    OnPurpose("awscli.customizations.ecs.*", "*", "*", _DURATION),
    OnPurpose("awscli.customizations.history.db", "*", "time.time", _LOCAL_RECORD),
    OnPurpose("awscli.telemetry", "*", "time.time", _LOCAL_RECORD),
    OnPurpose("awscli.testutils", "*", "*", _TEST_HELPER),
    # The AWS signers that are not botocore.
    OnPurpose(
        "requests_aws4auth.aws4auth",
        "AWS4Auth.parse_date.<lambda>",
        "datetime.date.today",
        "the century of a two-digit year in an RFC 850 Date header the program set itself: "
        "its own date, parsed, not a time AWS checks",
    ),
    OnPurpose(
        "httpx_auth._oauth2.tokens",
        "*",
        "datetime.datetime.now",
        "the expiry of an OAuth2 token from the program's own identity provider, not AWS: "
        "judged by the program's clock, as the provider's tokens are meant to be",
    ),
    # awscrt and amazon-transcribe.
    OnPurpose(
        "amazon_transcribe.utils",
        "apply_realtime_delay",
        "time.time",
        "paces an audio file's chunks as a live stream would send them: the time elapsed "
        "between two reads of the same clock, never sent",
    ),
    OnPurpose("awscrt._test", "*", "time.time", _TEST_HELPER),
)


def find(module: str, function: str, call: str) -> OnPurpose | None:
    """The entry that leaves this read on the process clock, if there is one.

    ``*`` stands for any function, any call, or (at the end of a module name)
    any module in that package.
    """
    for entry in ON_PURPOSE:
        if (
            _matches(entry.module, module)
            and entry.call in ("*", call)
            and entry.function in ("*", function)
        ):
            return entry
    return None


def _matches(pattern: str, module: str) -> bool:
    if pattern.endswith(".*"):
        return module.startswith(pattern[:-1])
    return pattern == module
