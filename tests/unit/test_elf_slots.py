"""The clock slots of shared objects, read from their files, against ``readelf -r``.

x86_64's from the native clients installed here; aarch64's from the same
packages' aarch64 wheels (``make tools`` downloads them), read as files on
this machine, which is not aarch64.
"""

from __future__ import annotations

import importlib.util
import shutil
import struct
import subprocess
import zipfile
from pathlib import Path

import pytest

from libfaketimefs_botocore import elf_slots

ROOT = Path(__file__).resolve().parents[2]
WHEELS = ROOT / ".tools" / "aarch64-wheels"
KINDS = {
    "R_X86_64_GLOB_DAT": "GLOB_DAT",
    "R_X86_64_JUMP_SLOT": "JUMP_SLOT",
    "R_AARCH64_GLOB_DAT": "GLOB_DAT",
    "R_AARCH64_JUMP_SLOT": "JUMP_SLOT",
}
# The objects each native client's integration redirects (LIBRARY), where their slots are.
OBJECTS = {"obstore": "_obstore", "pyarrow": "libarrow.so", "polars": "_polars_runtime"}


def _readelf(path: Path) -> set[tuple[str, int, str]]:
    """The clock slots ``readelf -r`` lists: (symbol, offset, kind)."""
    if shutil.which("readelf") is None:
        pytest.skip("no readelf (binutils) here")
    listing = subprocess.run(
        ["readelf", "-rW", str(path)], capture_output=True, text=True, check=True
    ).stdout
    slots = set()
    for line in listing.splitlines():
        fields = line.split()
        if len(fields) >= 5 and fields[2] in KINDS:
            symbol = fields[4].split("@")[0]
            if symbol in elf_slots.CLOCK_FUNCTIONS:
                slots.add((symbol, int(fields[0], 16), KINDS[fields[2]]))
    return slots


def _read(path: Path) -> elf_slots.Layout:
    return elf_slots.read(path.read_bytes())


def _installed_objects() -> list[Path]:
    found = []
    for package, name in OBJECTS.items():
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            continue
        site = Path(spec.origin).parent.parent
        found += [p for p in site.glob(f"*/{name}*") if p.suffix == ".so" or ".so." in p.name]
    return found


@pytest.mark.parametrize("path", _installed_objects(), ids=lambda p: p.name)
def test_this_machines_objects_agree_with_readelf(path: Path) -> None:
    layout = _read(path)
    assert layout.machine == "x86_64" or layout.machine == "aarch64"
    slots = {(s.symbol, s.offset, s.kind) for s in layout.slots}
    assert slots == _readelf(path)
    assert slots, "a native client with no clock import"


def _aarch64_objects(tmp_path: Path) -> list[Path]:
    if not WHEELS.is_dir():
        pytest.skip("no aarch64 wheels: make tools downloads them")
    extracted = []
    for wheel in sorted(WHEELS.glob("*.whl")):
        with zipfile.ZipFile(wheel) as archive:
            for name in archive.namelist():
                base = name.rsplit("/", 1)[-1]
                if any(base.startswith(o) for o in OBJECTS.values()) and ".so" in base:
                    target = tmp_path / base
                    target.write_bytes(archive.read(name))
                    extracted.append(target)
    return extracted


def test_aarch64_objects_read_as_files_agree_with_readelf(tmp_path: Path) -> None:
    objects = _aarch64_objects(tmp_path)
    assert {p.name.split(".")[0] for p in objects} >= {"_obstore", "libarrow"}
    for path in objects:
        layout = _read(path)
        assert layout.machine == "aarch64"
        slots = {(s.symbol, s.offset, s.kind) for s in layout.slots}
        assert slots, path.name
        assert slots == _readelf(path), path.name
        assert layout.relro is not None


def test_what_it_does_not_know_is_said() -> None:
    with pytest.raises(elf_slots.NotReadable, match="not an ELF file"):
        elf_slots.read(b"#!/bin/sh\n")
    header = bytearray(b"\x7fELF" + bytes(60))
    header[4], header[5] = 1, 1  # 32-bit
    with pytest.raises(elf_slots.NotReadable, match="not a 64-bit little-endian"):
        elf_slots.read(bytes(header))
    header[4] = 2
    struct.pack_into("<H", header, 18, 40)  # ARM (32-bit), e_machine 40
    with pytest.raises(elf_slots.NotReadable, match="e_machine 40"):
        elf_slots.read(bytes(header))
