"""An ELF object's imports through its global offset table, read from its file or its image.

A shared object calls an imported function through a slot that the dynamic
linker fills in: a relocation ``GLOB_DAT`` or ``JUMP_SLOT`` against the
function's symbol, at the symbol version the object was linked against
(``pthread_cond_timedwait@GLIBC_2.3.2`` and ``@GLIBC_2.2.5`` are two
functions). One parser reads both a file (any architecture's, so that the
aarch64 wheels can be checked here against ``readelf -r``) and an object as
the process has it loaded (:mod:`.loaded`), through a function that reads
bytes at the object's own addresses and refuses any it cannot vouch for.
64-bit little-endian ELF with RELA relocations only: what x86_64 and
aarch64 use. Anything else, or any table that does not hold together,
raises :class:`NotReadable` with the reason.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass
from typing import Callable

# e_machine -> (name, GLOB_DAT, JUMP_SLOT)
MACHINES = {62: ("x86_64", 6, 7), 183: ("aarch64", 1025, 1026)}

PT_LOAD, PT_DYNAMIC, PT_GNU_RELRO = 1, 2, 0x6474E552
PF_X, PF_W, PF_R = 1, 2, 4
_DT_NULL, _DT_PLTRELSZ, _DT_STRTAB, _DT_SYMTAB = 0, 2, 5, 6
_DT_RELA, _DT_RELASZ, _DT_RELAENT, _DT_STRSZ, _DT_SYMENT = 7, 8, 9, 10, 11
_DT_PLTREL, _DT_JMPREL, _DT_RELACOUNT = 20, 23, 0x6FFFFFF9
_DT_VERSYM, _DT_VERNEED, _DT_VERNEEDNUM = 0x6FFFFFF0, 0x6FFFFFFE, 0x6FFFFFFF
# The tags whose values are addresses in the object: glibc adds the load
# address to some of them in the loaded image, and not to others.
ADDRESS_TAGS = (_DT_STRTAB, _DT_SYMTAB, _DT_RELA, _DT_JMPREL, _DT_VERSYM, _DT_VERNEED)
_LIMIT = 1 << 26  # no table of a real object is this large: a corrupt size is refused


class NotReadable(Exception):
    """Why an object's imports cannot be read: it is not what this module knows."""


@dataclass(frozen=True)
class Segment:
    """A program header: its type, flags, and addresses relative to the load address."""

    type: int
    flags: int
    vaddr: int
    memsz: int
    offset: int = 0
    filesz: int = 0


@dataclass(frozen=True)
class Slot:
    symbol: str
    version: str | None  # the version the object imports, e.g. "GLIBC_2.3.2"; None: unversioned
    offset: int  # the slot's address, relative to where the object is loaded
    kind: str  # "GLOB_DAT" or "JUMP_SLOT"


@dataclass(frozen=True)
class Layout:
    machine: str
    slots: tuple[Slot, ...]
    relro: tuple[int, int] | None  # the read-only-after-relocation range: (start, end)


Reader = Callable[[int, int], bytes]  # (address relative to the load address, size) -> bytes


def machine_of(e_machine: int) -> tuple[str, int, int]:
    if e_machine not in MACHINES:
        raise NotReadable(f"an architecture this does not know (e_machine {e_machine})")
    return MACHINES[e_machine]


def segments_of_file(data: bytes | mmap.mmap) -> tuple[int, list[Segment]]:
    """The file's e_machine and program headers; :class:`NotReadable` for anything else."""
    if data[:4] != b"\x7fELF":
        raise NotReadable("not an ELF file")
    if len(data) < 64 or data[4] != 2 or data[5] != 1:
        raise NotReadable("not a 64-bit little-endian ELF file")
    (e_machine,) = struct.unpack_from("<H", data, 18)
    machine_of(e_machine)
    (phoff,) = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    if phentsize != 56 or phoff + phnum * 56 > len(data):
        raise NotReadable("its program headers are not where it says")
    return e_machine, [parse_segment(data, phoff + index * 56) for index in range(phnum)]


def parse_segment(data: bytes | mmap.mmap, at: int) -> Segment:
    p_type, p_flags, p_offset, p_vaddr, _, p_filesz, p_memsz, _ = struct.unpack_from(
        "<IIQQQQQQ", data, at
    )
    return Segment(p_type, p_flags, p_vaddr, p_memsz, p_offset, p_filesz)


def relro_of(segments: list[Segment]) -> tuple[int, int] | None:
    for segment in segments:
        if segment.type == PT_GNU_RELRO:
            return segment.vaddr, segment.vaddr + segment.memsz
    return None


def file_reader(data: bytes | mmap.mmap, segments: list[Segment]) -> Reader:
    """Read a file at the addresses its object would be loaded at (relative to the base)."""
    loads = [s for s in segments if s.type == PT_LOAD]

    def read(vaddr: int, size: int) -> bytes:
        for s in loads:
            if s.vaddr <= vaddr and vaddr + size <= s.vaddr + s.filesz:
                start = s.offset + vaddr - s.vaddr
                if start + size <= len(data):
                    return bytes(data[start : start + size])
        raise NotReadable(f"the address {vaddr:#x} is in no loaded segment of the file")

    return read


def read_file(data: bytes | mmap.mmap, functions: tuple[str, ...]) -> Layout:
    """The slots of ``functions`` in the ELF file ``data``."""
    e_machine, segments = segments_of_file(data)
    machine, _, _ = MACHINES[e_machine]
    read = file_reader(data, segments)
    dynamic = [s for s in segments if s.type == PT_DYNAMIC]
    if not dynamic:
        raise NotReadable("no dynamic section")
    tags = dynamic_tags(read(dynamic[0].vaddr, dynamic[0].filesz))
    return Layout(machine, imports(read, tags, e_machine, functions), relro_of(segments))


def dynamic_tags(raw: bytes) -> dict[int, int]:
    """The dynamic section's entries, the first of each tag, up to DT_NULL."""
    tags: dict[int, int] = {}
    for tag, value in struct.iter_unpack("<qQ", raw[: len(raw) - len(raw) % 16]):
        if tag == _DT_NULL:
            return tags
        tags.setdefault(tag, value)
    raise NotReadable("its dynamic section has no end")


def imports(
    read: Reader, tags: dict[int, int], e_machine: int, functions: tuple[str, ...]
) -> tuple[Slot, ...]:
    """The GLOB_DAT and JUMP_SLOT slots of ``functions``; ``tags``' addresses relative."""
    _, glob_dat, jump_slot = machine_of(e_machine)
    if _DT_SYMTAB not in tags or _DT_STRTAB not in tags:
        raise NotReadable("no dynamic symbol or string table")
    if _DT_JMPREL in tags and tags.get(_DT_PLTREL) != _DT_RELA:
        raise NotReadable("its PLT relocations are not RELA")
    if tags.get(_DT_RELAENT, 24) != 24 or tags.get(_DT_SYMENT, 24) != 24:
        raise NotReadable("relocations or symbols of a size this does not know")
    strings = _Strings(read, tags[_DT_STRTAB], tags.get(_DT_STRSZ, 0))
    versions = _needed_versions(read, tags, strings)
    tables = []
    if _DT_RELA in tags:
        # The linker sorts the RELATIVE relocations first and counts them: skipped unread
        # (libarrow has some 200,000).
        relative = min(tags.get(_DT_RELACOUNT, 0) * 24, tags.get(_DT_RELASZ, 0))
        tables.append((tags[_DT_RELA] + relative, tags.get(_DT_RELASZ, 0) - relative))
    if _DT_JMPREL in tags:
        tables.append((tags[_DT_JMPREL], tags.get(_DT_PLTRELSZ, 0)))
    entries = []
    for start, size in tables:
        if size % 24 or not 0 <= size < _LIMIT:
            raise NotReadable(f"a relocation table of {size} bytes")
        for r_offset, r_info, _ in struct.iter_unpack("<QQq", read(start, size)):
            if r_info & 0xFFFFFFFF in (glob_dat, jump_slot):
                entries.append((r_offset, r_info & 0xFFFFFFFF, r_info >> 32))
    if not entries:
        return ()
    # The symbol and version tables read once, up to the last symbol a slot names.
    count = max(index for _, _, index in entries) + 1
    if count * 24 >= _LIMIT:
        raise NotReadable(f"a symbol index of {count - 1}")
    symbols = read(tags[_DT_SYMTAB], count * 24)
    versyms = read(tags[_DT_VERSYM], count * 2) if _DT_VERSYM in tags else b""
    wanted = set(functions)
    slots = []
    for r_offset, kind, index in entries:
        (st_name,) = struct.unpack_from("<I", symbols, index * 24)
        name = strings.at(st_name)
        if name not in wanted:
            continue
        version = None
        if versyms:
            (versym,) = struct.unpack_from("<H", versyms, index * 2)
            version = versions.get(versym & 0x7FFF)
        kind_name = "GLOB_DAT" if kind == glob_dat else "JUMP_SLOT"
        slots.append(Slot(name, version, r_offset, kind_name))
    return tuple(slots)


class _Strings:
    def __init__(self, read: Reader, start: int, size: int) -> None:
        if not 0 < size < _LIMIT:
            raise NotReadable(f"a string table of {size} bytes")
        self._table = read(start, size)

    def at(self, offset: int) -> str:
        end = self._table.find(b"\0", offset)
        if offset >= len(self._table) or end < 0:
            raise NotReadable(f"a name outside the string table (at {offset})")
        return self._table[offset:end].decode("ascii", "replace")


def _needed_versions(read: Reader, tags: dict[int, int], strings: _Strings) -> dict[int, str]:
    """The versions the object needs (DT_VERNEED), by the index its DT_VERSYM entries use."""
    versions: dict[int, str] = {}
    if _DT_VERNEED not in tags:
        return versions
    at = tags[_DT_VERNEED]
    for _ in range(min(tags.get(_DT_VERNEEDNUM, 0), 1024)):
        _, vn_cnt, _, vn_aux, vn_next = struct.unpack("<HHIII", read(at, 16))
        aux = at + vn_aux
        for _ in range(min(vn_cnt, 1024)):
            _, _, vna_other, vna_name, vna_next = struct.unpack("<IHHII", read(aux, 16))
            versions[vna_other] = strings.at(vna_name)
            if not vna_next:
                break
            aux += vna_next
        if not vn_next:
            break
        at += vn_next
    return versions
