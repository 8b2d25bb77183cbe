"""The pytest plugin: the ``realtime_signing`` fixture and marker, in a pytest of their own."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

TESTS = """
import datetime
import time

import botocore.auth
import freezegun
import pytest
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from libfaketimefs_botocore.state.switch import SWITCH

REAL = time.time()


def signed_at():
    request = AWSRequest(method="GET", url="https://sts.amazonaws.com/")
    botocore.auth.SigV4Auth(Credentials("AKID", "secret"), "sts", "us-east-1").add_auth(request)
    stamp = datetime.datetime.strptime(request.headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ")
    return stamp.replace(tzinfo=datetime.timezone.utc).timestamp()


@pytest.fixture
def frozen():
    with freezegun.freeze_time("2030-01-01"):
        yield


@pytest.fixture
def switch_in_fixture():
    return SWITCH.on


def test_fixture(frozen, realtime_signing):
    assert SWITCH.on
    assert abs(signed_at() - REAL) < 60
    assert datetime.date.today().year == 2030


@pytest.mark.realtime_signing
def test_marker(frozen, switch_in_fixture):
    assert switch_in_fixture
    assert abs(signed_at() - REAL) < 60
    assert datetime.date.today().year == 2030


def test_neither(frozen):
    assert not SWITCH.on
    assert signed_at() == datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc).timestamp()


@pytest.mark.realtime_signing
class TestMarkedClass:
    def test_method(self, frozen):
        assert abs(signed_at() - REAL) < 60
"""


def test_fixture_and_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_signing=TESTS)
    # A fresh interpreter: the plugin comes from the installed entry point.
    result = pytester.runpytest_subprocess("--strict-markers", "-v")
    result.assert_outcomes(passed=4)


def test_the_marker_is_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.realtime_signing: sign botocore requests*"])
