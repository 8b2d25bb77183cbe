"""pytest plugin: real-time signing for a test, as a fixture or a marker.

Registered through the ``pytest11`` entry point, so it is there wherever the
package is installed; pytest itself is not a dependency of the package.

    def test_upload(realtime_signing): ...

    @pytest.mark.realtime_signing
    def test_upload(): ...

Either way the switch is on from the test's set-up to its tear-down, so
fixtures that sign (a presigned URL, a client call) sign with the real time
too; with freezegun or time-machine the test's own clock stays frozen.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from libfaketimefs_botocore.signing import realtime_signing as _realtime_signing

MARKER = "realtime_signing"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}: sign botocore requests with the real time while the test runs "
        "(libfaketimefs-botocore)",
    )


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
