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


def test_the_decorators_types(tmp_path: Path) -> None:
    """One mypy run (it costs seconds) over both files: the good one keeps its types, each
    line of the bad one is an error."""
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is in the dev environment (make test)")
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / "bad.py").write_text(BAD)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "good.py", "bad.py"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 1
    # The class is still the class (its constructor), the function the function.
    assert re.search(
        r'good.py:\d+: note: Revealed type is "def \(.*\) -> good\.TestIt"', result.stdout
    )
    assert re.search(
        r'good.py:\d+: note: Revealed type is "def \(\) -> (builtins\.)?int"', result.stdout
    )
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert all(line.startswith("bad.py:") for line in errors), result.stdout
    assert sum("No overload variant of" in line for line in errors) == 3, result.stdout
