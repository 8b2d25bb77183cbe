"""The slots through which a shared object calls the C library's clock, read from its file.

A shared object calls an imported function through a slot of its global
offset table that the dynamic linker fills in: a relocation
``R_X86_64_GLOB_DAT``/``R_X86_64_JUMP_SLOT`` (on aarch64
``R_AARCH64_GLOB_DAT``/``R_AARCH64_JUMP_SLOT``) against the function's
symbol. libfaketime interposes the clock by symbol, so those slots hold its
functions; :mod:`.clock_imports` points them at the C library's own. Read
from the file, not from memory, so that any architecture's file can be read
on this machine (the aarch64 wheels are checked against ``readelf -r`` in
the tests), and so that nothing the dynamic linker changed in memory is
relied on. 64-bit little-endian ELF only, with RELA relocations: what
x86_64 and aarch64 use.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass

# e_machine -> (name, GLOB_DAT, JUMP_SLOT)
MACHINES = {62: ("x86_64", 6, 7), 183: ("aarch64", 1025, 1026)}
CLOCK_FUNCTIONS = ("clock_gettime", "time", "gettimeofday")

_PT_LOAD, _PT_DYNAMIC, _PT_GNU_RELRO = 1, 2, 0x6474E552
_DT = {
    "NULL": 0,
    "PLTRELSZ": 2,
    "STRTAB": 5,
    "SYMTAB": 6,
    "RELA": 7,
    "RELASZ": 8,
    "RELAENT": 9,
    "SYMENT": 11,
    "PLTREL": 20,
    "JMPREL": 23,
}


class NotReadable(Exception):
    """Why a file's clock slots cannot be read: it is not what this module knows."""


@dataclass(frozen=True)
class Slot:
    symbol: str
    offset: int  # the slot's address, relative to where the object is loaded
    kind: str  # "GLOB_DAT" or "JUMP_SLOT"


@dataclass(frozen=True)
class Layout:
    machine: str
    slots: tuple[Slot, ...]
    relro: tuple[int, int] | None  # the read-only-after-relocation range: (start, end)


def read(data: bytes | mmap.mmap, functions: tuple[str, ...] = CLOCK_FUNCTIONS) -> Layout:
    """The slots of ``functions`` in the ELF file ``data``; :class:`NotReadable` says why not."""
    if data[:4] != b"\x7fELF":
        raise NotReadable("not an ELF file")
    if data[4] != 2 or data[5] != 1:
        raise NotReadable("not a 64-bit little-endian ELF file")
    (machine_number,) = struct.unpack_from("<H", data, 18)
    if machine_number not in MACHINES:
        raise NotReadable(f"an architecture this does not know (e_machine {machine_number})")
    machine, glob_dat, jump_slot = MACHINES[machine_number]
    (phoff,) = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    loads: list[tuple[int, int, int]] = []
    dynamic: tuple[int, int] | None = None
    relro: tuple[int, int] | None = None
    for index in range(phnum):
        p_type, _, p_offset, p_vaddr, _, p_filesz, p_memsz, _ = struct.unpack_from(
            "<IIQQQQQQ", data, phoff + index * phentsize
        )
        if p_type == _PT_LOAD:
            loads.append((p_vaddr, p_offset, p_filesz))
        elif p_type == _PT_DYNAMIC:
            dynamic = (p_offset, p_filesz)
        elif p_type == _PT_GNU_RELRO:
            relro = (p_vaddr, p_vaddr + p_memsz)
    if dynamic is None:
        raise NotReadable("no dynamic section")

    def at(vaddr: int) -> int:
        for start, offset, size in loads:
            if start <= vaddr < start + size:
                return int(offset + vaddr - start)
        raise NotReadable(f"the address {vaddr:#x} is in no loaded segment")

    tags: dict[int, int] = {}
    for position in range(dynamic[0], dynamic[0] + dynamic[1], 16):
        tag, value = struct.unpack_from("<qQ", data, position)
        if tag == _DT["NULL"]:
            break
        tags.setdefault(tag, value)
    if _DT["SYMTAB"] not in tags or _DT["STRTAB"] not in tags:
        raise NotReadable("no dynamic symbol or string table")
    if _DT["JMPREL"] in tags and tags.get(_DT["PLTREL"]) != _DT["RELA"]:
        raise NotReadable("its PLT relocations are not RELA")
    symtab, strtab = at(tags[_DT["SYMTAB"]]), at(tags[_DT["STRTAB"]])
    syment = tags.get(_DT["SYMENT"], 24)
    tables = []
    if _DT["RELA"] in tags:
        tables.append((at(tags[_DT["RELA"]]), tags.get(_DT["RELASZ"], 0)))
    if _DT["JMPREL"] in tags:
        tables.append((at(tags[_DT["JMPREL"]]), tags.get(_DT["PLTRELSZ"], 0)))
    entry = tags.get(_DT["RELAENT"], 24)
    if entry != 24:
        raise NotReadable(f"relocations of {entry} bytes, not RELA's 24")
    wanted = set(functions)
    slots = []
    for start, size in tables:
        for r_offset, r_info, _ in struct.iter_unpack("<QQq", data[start : start + size]):
            kind = r_info & 0xFFFFFFFF
            if kind not in (glob_dat, jump_slot):
                continue
            (st_name,) = struct.unpack_from("<I", data, symtab + (r_info >> 32) * syment)
            end = data.find(b"\0", strtab + st_name)
            name = data[strtab + st_name : end].decode("ascii", "replace")
            if name in wanted:
                slots.append(Slot(name, r_offset, "GLOB_DAT" if kind == glob_dat else "JUMP_SLOT"))
    return Layout(machine, tuple(slots), relro)
