"""kafka-python: its own ``AWS_MSK_IAM`` SASL mechanism, a SigV4-signed token for MSK.

``AwsMskIamClient`` reads ``datetime.datetime.now(timezone.utc)`` once, when
made, for the token's ``x-amz-date``: in ``kafka.net.sasl.msk`` from 3.0, in
``kafka.sasl.msk`` before. Its credentials come from botocore. The broker's
TLS is not reached: the token names the broker's host but not the port its
connection uses (docs/limitations.md). Never imported here.
"""

from __future__ import annotations

from libfaketimefs_botocore import stand_ins
from libfaketimefs_botocore.points import OnPurpose, Unreached, WrapPoint

AUDITED = ("kafka",)
WATCHED = ("kafka",)


def _broker(host: str, *args: object, **kwargs: object) -> str:
    return f"https://{host}"


WRAP_POINTS = tuple(
    point
    for module in ("kafka.net.sasl.msk", "kafka.sasl.msk")  # 3.x, 2.x
    for point in (
        WrapPoint(
            module,
            "datetime",
            "kafka-python's MSK IAM token's x-amz-date: datetime.datetime.now(timezone.utc)",
            stand_ins.SigningDatetimeModule,
        ),
        WrapPoint(
            module,
            "AwsMskIamClient.__init__",
            "kafka-python's MSK IAM token: the broker it is for",
            stand_ins.signing_for(_broker),
        ),
    )
)
ON_PURPOSE = (
    # 2.x reads time.time() for every timer, 3.x for a few: the MSK token's read is
    # datetime's, so a new one of those would still be found.
    OnPurpose(
        "kafka.*",
        "*",
        "time.time",
        "Kafka's own timers, record time stamps and metrics, between the program and its "
        "brokers: not AWS's clock",
    ),
    OnPurpose(
        "kafka.cli.*",
        "*",
        "*",
        "the time a consumer group's offsets are reset to, given by the user: their clock",
    ),
)
UNREACHED = (
    Unreached(
        "kafka-python",
        "its brokers' TLS certificates are judged by the FAKED clock under libfaketime",
        "the MSK token names the broker's host but not the port its connection uses",
    ),
)
