"""botocore's own tests that may differ with the switch held on, and how each fakes the clock.

With the switch on, botocore's clock reads answer with the real time: a test
that fakes botocore's clock itself to check a signature made "at" a fixed
moment sees the real time instead, which is the library doing its job. Only
those may differ; any other difference fails the run. Matched by node id
prefix, so that a parametrised case or a subclass collected elsewhere (the
CRT tests import the pure-Python test classes) is covered by its entry.
"""

from __future__ import annotations

EXPECTED = {
    "tests/unit/auth/test_sigv4.py::test_signature_version_4": (
        "@FreezeTime(module=botocore.auth.datetime): the SigV4 test suite's fixed 2015 date"
    ),
    "tests/unit/auth/test_signers.py::TestSigV4::test_thread_safe_timestamp": (
        "mock.patch.object(botocore.auth.datetime, 'datetime'): a Mock clock"
    ),
    "tests/unit/auth/test_signers.py::TestSigV4Presign::": (
        "mock.patch.object(botocore.auth.datetime, 'datetime', Mock(wraps=...)) with a fixed utcnow"
    ),
    "tests/unit/crt/auth/test_crt_signers.py::TestSigV4Presign::": (
        "the same class, imported into the CRT tests"
    ),
    "tests/unit/auth/test_signers.py::TestS3SigV4Post::": (
        "mock.patch.object(botocore.auth.datetime, 'datetime', Mock(wraps=...)) with a fixed utcnow"
    ),
    "tests/unit/auth/test_signers.py::TestS3SigV2Presign::": (
        "mock.patch('time.time'): the HmacV1 presigned Expires from a fixed time"
    ),
    "tests/unit/test_signers.py::TestS3PostPresigner::": (
        "mock.patch('botocore.compat.datetime') / botocore.signers.datetime: a fixed policy time"
    ),
    "tests/unit/test_signers.py::TestGenerateDBAuthToken::": (
        "@FreezeTime(botocore.auth.datetime): the RDS auth token at a fixed date"
    ),
    "tests/unit/test_signers.py::TestDSQLGenerateDBAuthToken::": (
        "@FreezeTime(botocore.auth.datetime): the DSQL auth token at a fixed date"
    ),
    "tests/unit/test_utils.py::TestInstanceMetadataFetcher::": (
        "@FreezeTime(module=botocore.utils.datetime): IMDS expiry extension at a fixed date"
    ),
}


def how_it_fakes(nodeid: str) -> str | None:
    for prefix, how in EXPECTED.items():
        if nodeid.startswith(prefix):
            return how
    return None
