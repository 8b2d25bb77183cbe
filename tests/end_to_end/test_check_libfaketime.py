"""`check` says "libfaketime: preloaded" only when the library itself is mapped.

Not when a folder's name holds the word: a venv in a folder named after it,
or the plugin folder the README recommends for the frozen AWS CLI
(~/.aws/libfaketimefs-botocore/...), whose wrapt extension is mapped.
"""

from __future__ import annotations

import json
import shutil
import ssl
import sys
from pathlib import Path

import pytest
import wrapt

from libfaketimefs_botocore.clock.libfaketime import is_libfaketime
from tests.harness.faketime import Libfaketime, Unfaked, libfaketime, run_faked

# Maps a shared object from a folder of the test's choosing, then runs check in
# the same process, and says whether that folder was mapped.
PROGRAM = """
import ctypes, json, sys
ctypes.CDLL(sys.argv[1])
mapped = any(sys.argv[1] in line for line in open("/proc/self/maps"))
from libfaketimefs_botocore import check
report = check.run()
print(json.dumps({"mapped": mapped, "preloaded": report.libfaketime_preloaded}))
"""


def _wrapt_extension() -> Path:
    found = sorted(Path(wrapt.__file__).parent.glob("_wrappers*.so"))
    if not found:
        pytest.skip("this wrapt has no compiled extension to map")
    return found[0]


@pytest.mark.parametrize(
    "folder",
    [
        "libfaketime-lookalike-venv/lib/site-packages/wrapt",
        ".aws/libfaketimefs-botocore/python3.11/wrapt",
    ],
)
def test_a_folder_named_like_libfaketime_is_not_libfaketime(tmp_path: Path, folder: str) -> None:
    copy = tmp_path / folder / _wrapt_extension().name
    copy.parent.mkdir(parents=True)
    shutil.copy(_wrapt_extension(), copy)
    result = run_faked([sys.executable, "-c", PROGRAM, str(copy)], Unfaked())
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found == {"mapped": True, "preloaded": False}


class _Preloaded:
    def __init__(self, library: str) -> None:
        self.library = library

    def environment(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return Libfaketime("+400d").environment() | {"LD_PRELOAD": self.library}


@pytest.mark.parametrize("name", ["libfaketime.so.1", "libfaketimeMT.so.1"])
def test_each_libfaketime_is_preloaded(name: str) -> None:
    library = str(Path(libfaketime()).with_name(name))
    result = run_faked(
        [sys.executable, "-m", "libfaketimefs_botocore", "check", "--json"], _Preloaded(library)
    )
    report = json.loads(result.stdout)
    assert report["libfaketime_preloaded"] is True
    assert report["skew_seconds"] > 399 * 86400
    assert report["tls"].startswith(f"the real time, {ssl.OPENSSL_VERSION}, for the hosts"), report


def test_tls_line_says_how_certificates_are_judged() -> None:
    faked = run_faked([sys.executable, "-m", "libfaketimefs_botocore", "check"], Libfaketime("+1d"))
    assert f"TLS certificates:  the real time, {ssl.OPENSSL_VERSION}" in faked.stdout
    unfaked = run_faked([sys.executable, "-m", "libfaketimefs_botocore", "check"], Unfaked())
    assert "TLS certificates:  the process clock, not faked for C code here" in unfaked.stdout


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1", True),
        ("/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1", True),
        ("/usr/local/lib/faketime/libfaketime.so", True),
        ("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 (deleted)", True),
        ("/home/me/libfaketime-lookalike-venv/lib/python3.11/lib-dynload/_ctypes.so", False),
        ("/root/.aws/libfaketimefs-botocore/python3.11/wrapt/_wrappers.so", False),
        ("/opt/libfaketime.so.1.backup/libc.so.6", False),
    ],
)
def test_is_libfaketime(path: str, expected: bool) -> None:
    assert is_libfaketime(path) is expected
