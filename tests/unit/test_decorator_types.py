"""The decorators' type overloads: mypy refuses what the decorators refuse at run time."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

GOOD = """
import unittest
import libfaketimefs_botocore

@libfaketimefs_botocore.realtime_signing
class TestIt(unittest.TestCase):
    def test_one(self) -> None: ...

@libfaketimefs_botocore.realtime_signing
def f() -> int:
    return 1

reveal_type(TestIt)
reveal_type(f)
"""

BAD = """
import libfaketimefs_botocore

libfaketimefs_botocore.realtime_signing(42)
libfaketimefs_botocore.realtime_signing("x")
libfaketimefs_botocore.realtime_signing(property(lambda self: 1))
"""


def _mypy(tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is in the dev environment (make test)")
    path = tmp_path / "example.py"
    path.write_text(source)
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )


def test_a_test_case_and_a_function_keep_their_types(tmp_path: Path) -> None:
    result = _mypy(tmp_path, GOOD)
    assert result.returncode == 0, result.stdout
    # The class is still the class (its constructor), the function the function.
    assert re.search(r'Revealed type is "def \(.*\) -> example\.TestIt"', result.stdout)
    assert re.search(r'Revealed type is "def \(\) -> (builtins\.)?int"', result.stdout)


def test_values_and_properties_are_type_errors(tmp_path: Path) -> None:
    result = _mypy(tmp_path, BAD)
    assert result.returncode == 1
    assert result.stdout.count("No overload variant of") == 3, result.stdout
