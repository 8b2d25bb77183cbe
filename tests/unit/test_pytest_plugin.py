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


CLASSES = """
import unittest

import botocore.auth
import freezegun
import pytest
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

import libfaketimefs_botocore
from libfaketimefs_botocore.state.switch import SWITCH

SEEN = []


@libfaketimefs_botocore.realtime_signing
class TestDecorated(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        SEEN.append(("setUpClass", SWITCH.on))

    @classmethod
    def tearDownClass(cls):
        SEEN.append(("tearDownClass", SWITCH.on))

    def test_one(self):
        assert SWITCH.on

    def test_two(self):
        assert SWITCH.on

    def test_three(self):
        assert SWITCH.on


class TestSubclass(TestDecorated):
    def test_four(self):
        assert SWITCH.on


def test_after_the_classes():
    assert not SWITCH.on
    assert SEEN == [("setUpClass", True), ("tearDownClass", True)] * 2
"""


def test_a_decorated_test_case_keeps_its_tests(pytester: pytest.Pytester) -> None:
    """Collected by a real pytest in a subprocess: 0.8.0 made the class a function (its tests
    were not collected, and a subclass could not be made)."""
    pytester.makepyfile(test_classes=CLASSES)
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:xdist")
    result.assert_outcomes(passed=8)


@pytest.mark.parametrize(
    "target",
    ["42", "'x'", "property(lambda self: 1)", "staticmethod(lambda: 1)", "type('Plain', (), {})"],
)
@pytest.mark.parametrize("decorator", ["realtime_signing", "signing_time(at=AT)"])
def test_anything_else_is_refused_at_decoration(target: str, decorator: str) -> None:
    import datetime

    import libfaketimefs_botocore

    namespace = {
        "realtime_signing": libfaketimefs_botocore.realtime_signing,
        "signing_time": libfaketimefs_botocore.signing_time,
        "AT": datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc),
    }
    with pytest.raises(TypeError, match="decorates") as raised:
        eval(f"{decorator}({target})", namespace)
    message = str(raised.value)
    assert "with " in message or "pytest.mark.realtime_signing" in message


SESSION = """
import datetime
import time

import botocore.auth
import freezegun
import pytest
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

REAL = time.time()


@pytest.fixture(scope="session")
def signed_in_session_fixture():
    with freezegun.freeze_time("2030-01-01"):
        request = AWSRequest(method="GET", url="https://sts.amazonaws.com/")
        botocore.auth.SigV4Auth(Credentials("AKID", "secret"), "sts", "us-east-1").add_auth(request)
    stamp = datetime.datetime.strptime(request.headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ")
    return stamp.replace(tzinfo=datetime.timezone.utc).timestamp()


def test_session_fixture_signed_with_the_real_time(signed_in_session_fixture):
    assert abs(signed_in_session_fixture - REAL) < 60
"""


@pytest.mark.parametrize("how", ["option", "ini", "neither"])
def test_the_whole_session(pytester: pytest.Pytester, how: str) -> None:
    pytester.makepyfile(test_session=SESSION)
    arguments = ["-p", "no:randomly", "-p", "no:xdist"]
    if how == "option":
        arguments.append("--realtime-signing")
    if how == "ini":
        pytester.makeini("[pytest]\nrealtime_signing = true\n")
    result = pytester.runpytest_subprocess(*arguments)
    result.assert_outcomes(**({"failed": 1} if how == "neither" else {"passed": 1}))
