"""The native redirection checks before it writes: objects built here put it on the spot.

Each runs under libfaketime a year ahead, in a fresh process: an object
whose RELRO ends mid-page beside its .data (the page glibc leaves writable
must stay so), an object replaced on disk by another build before the
redirection (its offsets are read from the image, not the new file), an
object unloaded and loaded again at the same address, a fork while another
thread holds the lock. Each of these crashed, wrote astray, wrote nothing or
hung before 0.8.0.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.harness.faketime import DAY, NATIVE_CLIENT, Libfaketime, run_client
from tests.harness.native_objects import UPGRADE, build

pytestmark = pytest.mark.timeout(120)


def _run(scenario: str, **options: Any) -> dict[str, Any]:
    return run_client(scenario, Libfaketime("+400d"), options, program=NATIVE_CLIENT, timeout=60)


def _real(seconds: int) -> bool:
    return abs(seconds - time.time()) < 60


def _fake(seconds: int) -> bool:
    return abs(seconds - time.time() - 400 * DAY) < 2 * DAY


@pytest.mark.parametrize("call_first", [False, True], ids=["lazy-stub", "bound"])
def test_relro_ending_mid_page_beside_data_keeps_that_page_writable(
    tmp_path: Path, call_first: bool
) -> None:
    path = build(tmp_path, "clockuser", relro_ends_at_slot=True)
    result = _run("object", path=str(path), call_first=call_first)
    assert result["symbols"] == ["clock_gettime"], result
    assert _fake(result["fake"])
    assert _real(result["redirected"])
    assert (result["bumped"], result["bumped_again"]) == (2, 3)  # .data written, twice
    assert result["restored"] is True
    assert _fake(result["after"])
    assert result["mappings_kept"], "a page's protection changed"


def test_an_object_replaced_on_disk_is_redirected_from_its_image(tmp_path: Path) -> None:
    """An in-place upgrade: another build renamed over the loaded object's file. Its offsets
    would write into the wrong places of the old mapping; the image's are the right ones."""
    path = build(tmp_path, "clockuser")
    upgrade = build(tmp_path / "new", "clockuser", UPGRADE)
    result = _run("object", path=str(path), replace_with=str(upgrade), call_first=True)
    assert result["symbols"] == ["clock_gettime"], result
    assert _real(result["redirected"])
    assert _fake(result["after"])
    assert result["mappings_kept"]


def test_an_object_truncated_on_disk_is_redirected_from_its_image(tmp_path: Path) -> None:
    """0.7.0 read the file: a truncated one raised struct.error out of apply(). (Cut short in
    place, the mapping itself would fault: a program's own code would crash on it too.)"""
    path = build(tmp_path, "clockuser")
    result = _run("object", path=str(path), truncate=100, call_first=True)
    assert result["symbols"] == ["clock_gettime"], result
    assert _real(result["redirected"])


def test_an_object_loaded_again_at_its_address_is_redirected_again(tmp_path: Path) -> None:
    path = build(tmp_path, "clockuser")
    result = _run("reloaded", path=str(path))
    assert _real(result["now"]), result


def test_a_fork_while_another_thread_holds_the_lock_does_not_deadlock(tmp_path: Path) -> None:
    path = build(tmp_path, "clockuser")
    result = _run("fork-while-locked", path=str(path))
    assert _real(result["child_now"]), result
