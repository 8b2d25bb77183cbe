"""What the wheel and the sdist ship: the licence's notice, and its expression in the metadata."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.harness.faketime import ROOT

UV = ROOT / ".tools" / "uv" / "bin" / "uv"


def test_the_licence_ships_in_the_wheel_and_the_sdist(tmp_path: Path) -> None:
    if not UV.exists() or Path(sys.prefix).resolve() != (ROOT / ".venv").resolve():
        # The machine's uv, with the project's venv: not inside another root (the sid chroot).
        pytest.skip("built in make test's environment")
    subprocess.run(
        [str(UV), "build", "--quiet", "--out-dir", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("*.whl")
    (sdist,) = tmp_path.glob("*.tar.gz")
    license_text = (ROOT / "LICENSE").read_text()
    assert license_text.startswith("MIT License")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (shipped,) = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
        assert archive.read(shipped).decode() == license_text
        (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        lines = archive.read(metadata).decode().splitlines()
    assert "License-Expression: MIT" in lines
    with tarfile.open(sdist) as archive:
        assert any(member.name.endswith("/LICENSE") for member in archive.getmembers())
