"""Run by an AWS CLI's own Python: the times its clock reads give, as JSON.

Imports the AWS CLI first, as ``aws`` does (v2 then finds its vendored
botocore under the name ``botocore``), and calls the code that reads the
clock for AWS: the EC2 bundle-instance upload policy, the ``aws login``
token expiry, v2's DPoP proof, and the choice of S3 transfer client.
"""

from __future__ import annotations

import base64
import datetime
import json
import sys

import awscli  # noqa: F401  # first, as aws imports it
import botocore


def bundle_policy_expires() -> float:
    from awscli.customizations.ec2 import bundleinstance

    params = {"Bucket": "b", "Prefix": "p"}
    bundleinstance._generate_policy(params)
    policy = json.loads(params["UploadPolicy"])
    expires = datetime.datetime.strptime(policy["expiration"], "%Y-%m-%dT%H:%M:%S.%fZ")
    return expires.replace(tzinfo=datetime.timezone.utc).timestamp() - 24 * 3600


def login_now() -> float | None:
    try:
        from awscli.customizations.login import utils
    except ImportError:  # v1 has no aws login
        return None
    from dateutil.tz import tzutc

    return float(utils.datetime.datetime.now(tzutc()).timestamp())


def dpop_iat() -> float | None:
    from botocore import utils

    if not hasattr(utils, "build_dpop_header"):
        return None
    from awscrt.crypto import EC, ECType

    header = utils.build_dpop_header(EC.new_generate(ECType.P_256), "https://example.com/")
    payload = header.split(".")[1]
    return float(json.loads(base64.urlsafe_b64decode(payload + "==="))["iat"])


def transfer_client() -> str | None:
    try:
        from awscli.customizations.s3.factory import TransferManagerFactory
    except ImportError:  # v1: no CRT transfer client
        return None
    factory = TransferManagerFactory.__new__(TransferManagerFactory)
    return str(factory._compute_transfer_client_type({}, {"preferred_transfer_client": "crt"}))


print(
    json.dumps(
        {
            "botocore": botocore.__version__,
            "bundle_policy": bundle_policy_expires(),
            "login": login_now(),
            "dpop_iat": dpop_iat(),
            "transfer_client": transfer_client(),
            "python": sys.version,
        }
    )
)
