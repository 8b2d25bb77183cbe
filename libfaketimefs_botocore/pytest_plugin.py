"""pytest plugin: real-time signing for a test, as a fixture or a marker.

Registered through the ``pytest11`` entry point, so it is there wherever the
package is installed; pytest itself is not a dependency of the package.

    def test_upload(realtime_signing): ...

    @pytest.mark.realtime_signing
    def test_upload(): ...

Either way the switch is on from the test's set-up to its tear-down, so
fixtures that sign (a presigned URL, a client call) sign with the real time
too; with freezegun or time-machine the test's own clock stays frozen.

For a whole suite, session-scoped fixtures included: ``pytest
--realtime-signing``, or ``realtime_signing = true`` in the ini file (the
``[tool.pytest.ini_options]`` of ``pyproject.toml``, ``pytest.ini``...): on
from the configuration to the end of the run.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from libfaketimefs_botocore.signing import RealtimeSigning
from libfaketimefs_botocore.signing import realtime_signing as _realtime_signing

MARKER = "realtime_signing"
_SESSION = pytest.StashKey[RealtimeSigning]()


def pytest_addoption(parser: pytest.Parser) -> None:
    help_text = (
        "sign AWS requests with the real time for the whole run, session fixtures included "
        "(libfaketimefs-botocore)"
    )
    parser.addoption("--realtime-signing", action="store_true", help=help_text)
    parser.addini("realtime_signing", help_text, type="bool", default=False)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}: sign botocore requests with the real time while the test runs "
        "(libfaketimefs-botocore)",
    )
    if config.getoption("realtime_signing") or config.getini("realtime_signing"):
        block = RealtimeSigning()
        block.__enter__()
        config.stash[_SESSION] = block


def pytest_unconfigure(config: pytest.Config) -> None:
    block = config.stash.get(_SESSION, None)
    if block is not None:
        del config.stash[_SESSION]
        block.__exit__(None, None, None)


@pytest.fixture
def realtime_signing() -> Iterator[None]:
    """botocore signs with the real time until the test's tear-down."""
    with _realtime_signing():
        yield


@pytest.fixture(autouse=True)
def _libfaketimefs_botocore_marker(request: pytest.FixtureRequest) -> None:
    # Autouse fixtures are set up before the test's other function-scoped
    # fixtures, so a marked test's fixtures sign with the real time too.
    if request.node.get_closest_marker(MARKER) is not None:
        request.getfixturevalue(MARKER)
