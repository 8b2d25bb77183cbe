"""The clock slots of shared objects, read from their files and their images, against
``readelf -r``.

x86_64's from the native clients installed here, as files and as this
process loaded them; aarch64's from the same packages' aarch64 wheels
(``make tools`` downloads them), read as files on this machine, which is not
aarch64, with the pages glibc would open at 4, 16 and 64 KiB.
"""

from __future__ import annotations

import importlib
import importlib.util
import shutil
import struct
import subprocess
import zipfile
from pathlib import Path

import pytest

from libfaketimefs_botocore.native import elf, functions, loaded, writes

ROOT = Path(__file__).resolve().parents[2]
WHEELS = ROOT / ".tools" / "aarch64-wheels"
KINDS = {
    "R_X86_64_GLOB_DAT": "GLOB_DAT",
    "R_X86_64_JUMP_SLOT": "JUMP_SLOT",
    "R_AARCH64_GLOB_DAT": "GLOB_DAT",
    "R_AARCH64_JUMP_SLOT": "JUMP_SLOT",
}
# Objects of each native client that import the clock, where their slots are.
OBJECTS = {"obstore": "_obstore", "pyarrow": "libarrow", "polars": "_polars_runtime"}


def _readelf(path: Path) -> set[tuple[str, str | None, int, str]]:
    """The clock and timed-wait slots ``readelf -r`` lists: (symbol, version, offset, kind)."""
    if shutil.which("readelf") is None:
        pytest.skip("no readelf (binutils) here")
    listing = subprocess.run(
        ["readelf", "-rW", str(path)], capture_output=True, text=True, check=True
    ).stdout
    slots = set()
    for line in listing.splitlines():
        fields = line.split()
        if len(fields) >= 5 and fields[2] in KINDS:
            symbol, _, version = fields[4].partition("@")
            if symbol in functions.FUNCTIONS:
                slots.add((symbol, version or None, int(fields[0], 16), KINDS[fields[2]]))
    return slots


def _read(path: Path) -> elf.Layout:
    return elf.read_file(path.read_bytes(), functions.FUNCTIONS)


def _slots(layout: elf.Layout) -> set[tuple[str, str | None, int, str]]:
    return {(s.symbol, s.version, s.offset, s.kind) for s in layout.slots}


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
    slots = _slots(layout)
    assert slots == _readelf(path)


def test_each_native_client_has_an_object_that_imports_the_clock() -> None:
    by_package: dict[str, bool] = {}
    for path in _installed_objects():
        package = next(p for p, name in OBJECTS.items() if path.name.startswith(name))
        by_package[package] = by_package.get(package, False) or bool(_read(path).slots)
    assert all(by_package.values()), by_package


def _aarch64_objects(tmp_path: Path) -> list[Path]:
    if not WHEELS.is_dir():
        pytest.skip("no aarch64 wheels: make tools downloads them")
    extracted = []
    for wheel in sorted(WHEELS.glob("*.whl")):
        with zipfile.ZipFile(wheel) as archive:
            for name in archive.namelist():
                base = name.rsplit("/", 1)[-1]
                if any(base.startswith(o) for o in OBJECTS.values()) and ".so" in base:
                    target = tmp_path / f"{base}.{wheel.name}"  # two obstore releases
                    target.write_bytes(archive.read(name))
                    extracted.append(target)
    return extracted


def test_aarch64_objects_read_as_files_agree_with_readelf(tmp_path: Path) -> None:
    objects = _aarch64_objects(tmp_path)
    assert {p.name.split(".")[0] for p in objects} >= {"_obstore", "libarrow"}
    for path in objects:
        layout = _read(path)
        assert layout.machine == "aarch64"
        assert _slots(layout) == _readelf(path), path.name
        assert layout.relro is not None


@pytest.mark.parametrize("page_size", [4096, 16384, 65536], ids=["4K", "16K", "64K"])
def test_only_pages_wholly_inside_relro_would_be_opened(tmp_path: Path, page_size: int) -> None:
    """glibc protects PT_GNU_RELRO up to the last whole page; the page its end falls in stays
    writable and may hold .data. On 16K and 64K kernels (aarch64) a clock slot can lie there:
    obstore 0.12.1's aarch64 object has its RELRO end at 0xadd000, clock_gettime's slot at
    0xadc400 and .data from 0xadd000."""
    in_end_page = []
    for path in _aarch64_objects(tmp_path):
        layout = _read(path)
        assert layout.relro is not None
        pages = writes.relro_pages(layout.relro, page_size)
        for page in pages:
            assert layout.relro[0] - page_size < page
            assert page + page_size <= layout.relro[1]
        for slot in layout.slots:
            page = slot.offset & ~(page_size - 1)
            if layout.relro[0] <= slot.offset < layout.relro[1] and page not in pages:
                assert page == layout.relro[1] & ~(page_size - 1)
                in_end_page.append((path.name, slot.symbol))
    if page_size == 65536 and any(p.name.startswith("obstore-0.12") for p in WHEELS.glob("*")):
        assert any(name.startswith("_obstore") and "0.12.1" in name for name, _ in in_end_page), (
            in_end_page
        )


def test_the_image_as_loaded_reads_as_its_file() -> None:
    """The tables read from memory, where glibc has relocated some of the dynamic tags and not
    others, are those of the file the object was loaded from."""
    import ctypes  # noqa: F401 - loads _ctypes, an object of this Python's

    for package in OBJECTS:
        if importlib.util.find_spec(package) is not None:
            importlib.import_module(package)
    mappings = loaded.maps()
    compared = 0
    for object_ in loaded.objects():
        if not object_.path.startswith("/") or "libfaketime" in object_.path:
            continue
        from_file = _read(Path(object_.path)).slots
        assert loaded.tables(object_, functions.FUNCTIONS, mappings) == from_file, object_.path
        compared += bool(from_file)
    assert compared >= 2


def test_what_it_does_not_know_is_said() -> None:
    with pytest.raises(elf.NotReadable, match="not an ELF file"):
        elf.read_file(b"#!/bin/sh\n", functions.FUNCTIONS)
    header = bytearray(b"\x7fELF" + bytes(60))
    header[4], header[5] = 1, 1  # 32-bit
    with pytest.raises(elf.NotReadable, match="not a 64-bit little-endian"):
        elf.read_file(bytes(header), functions.FUNCTIONS)
    header[4] = 2
    struct.pack_into("<H", header, 18, 40)  # ARM (32-bit), e_machine 40
    with pytest.raises(elf.NotReadable, match="e_machine 40"):
        elf.read_file(bytes(header), functions.FUNCTIONS)
    struct.pack_into("<HQ", header, 18, 62, 0)
    struct.pack_into("<Q", header, 32, 64)
    struct.pack_into("<HH", header, 54, 56, 1)  # one program header, past the end
    with pytest.raises(elf.NotReadable, match="program headers"):
        elf.read_file(bytes(header), functions.FUNCTIONS)
