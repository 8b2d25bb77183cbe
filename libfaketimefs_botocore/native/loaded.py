"""The shared objects this process has loaded, and its memory as the kernel maps it.

Each object as the dynamic linker reports it (``dl_iterate_phdr``): its path,
its load address and its program headers, read from memory, not from a file
that may have been replaced since. Its dynamic tables are read from its
image through :func:`reader`, which reads only addresses inside the object's
own loaded segments that ``/proc/self/maps`` shows readable: a wrong or
corrupt table is a :class:`~.elf.NotReadable`, never a read of unmapped
memory. glibc on Linux only; anything else is :class:`Unavailable`.
"""

from __future__ import annotations

import ctypes
import os
import platform
import struct
from collections.abc import Container
from dataclasses import dataclass
from functools import cache

from libfaketimefs_botocore.native import elf

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")  # the running kernel's (AT_PAGESZ), not the build's
_E_MACHINE = {"x86_64": 62, "aarch64": 183}


class Unavailable(Exception):
    """Why an object's imports cannot be redirected here."""


@dataclass(frozen=True)
class Mapping:
    start: int
    end: int
    perms: str  # "r-xp" as the kernel shows it
    device: str
    inode: int
    path: str


@dataclass(frozen=True)
class LoadedObject:
    path: str
    base: int
    segments: tuple[elf.Segment, ...]

    def contains(self, address: int, size: int = 1, flags: int = 0) -> bool:
        """Whether [address, address + size) lies in one of its loaded segments with ``flags``."""
        relative = address - self.base
        return any(
            s.type == elf.PT_LOAD
            and s.flags & flags == flags
            and s.vaddr <= relative
            and relative + size <= s.vaddr + s.memsz
            for s in self.segments
        )

    @property
    def relro(self) -> tuple[int, int] | None:
        found = elf.relro_of(list(self.segments))
        return None if found is None else (self.base + found[0], self.base + found[1])


class _DlPhdrInfo(ctypes.Structure):
    _fields_ = [
        ("dlpi_addr", ctypes.c_size_t),
        ("dlpi_name", ctypes.c_char_p),
        ("dlpi_phdr", ctypes.c_void_p),
        ("dlpi_phnum", ctypes.c_uint16),
        ("dlpi_adds", ctypes.c_ulonglong),
        ("dlpi_subs", ctypes.c_ulonglong),
    ]


_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(_DlPhdrInfo), ctypes.c_size_t, ctypes.c_void_p
)
_WITH_COUNTS = _DlPhdrInfo.dlpi_subs.offset + 8


@cache
def libc() -> ctypes.CDLL:
    """The C library, where this module knows it: glibc on Linux, x86_64 or aarch64."""
    # confstr, not platform.libc_ver(), which reads the whole Python executable.
    try:
        version = os.confstr("CS_GNU_LIBC_VERSION") or ""
    except (ValueError, OSError):
        version = ""
    if platform.system() != "Linux" or not version.startswith("glibc"):
        raise Unavailable(
            f"not glibc on Linux ({platform.system()}, {version or 'another C library'})"
        )
    if platform.machine() not in _E_MACHINE:
        raise Unavailable(f"an architecture this does not know: {platform.machine()}")
    library = ctypes.CDLL("libc.so.6", use_errno=True)
    library.dl_iterate_phdr.argtypes = [_CALLBACK, ctypes.c_void_p]
    library.dl_iterate_phdr.restype = ctypes.c_int
    library.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    library.mprotect.restype = ctypes.c_int
    for lookup in (library.dlsym, library.dlvsym):
        lookup.restype = ctypes.c_void_p
    library.dlsym.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    library.dlvsym.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
    library.dlopen.restype = ctypes.c_void_p
    library.dlopen.argtypes = [ctypes.c_char_p, ctypes.c_int]
    library.dlmopen.restype = ctypes.c_void_p
    library.dlmopen.argtypes = [ctypes.c_long, ctypes.c_char_p, ctypes.c_int]
    library.dlerror.restype = ctypes.c_char_p
    return library


def lookup(handle: int, symbol: str, version: str | None) -> int | None:
    """``symbol`` in the object of ``handle`` (and its dependencies), at ``version`` if given."""
    library = libc()
    if version is None:
        address = library.dlsym(handle, symbol.encode())
    else:
        address = library.dlvsym(handle, symbol.encode(), version.encode())
    return int(address) if address else None


def handle_of(path: str) -> int:
    """The handle of the object already loaded from ``path``: never a second copy."""
    rtld_lazy, rtld_noload = 0x1, 0x4
    handle = libc().dlopen(os.fsencode(path), rtld_lazy | rtld_noload)
    if not handle:
        raise Unavailable(f"{path} is listed as loaded, yet dlopen does not find it")
    return int(handle)


def objects(skip: Container[tuple[str, int]] = ()) -> list[LoadedObject]:
    """Every loaded object with a path, as the dynamic linker lists them, but those whose path
    and load address are in ``skip`` (their program headers are not read: a few hundred
    objects' cost 3 ms)."""
    found: list[LoadedObject] = []

    def visit(info: ctypes._Pointer[_DlPhdrInfo], size: int, data: int) -> int:
        entry = info.contents
        path = (entry.dlpi_name or b"").decode(errors="replace")
        if path and entry.dlpi_phdr and (path, entry.dlpi_addr) not in skip:
            raw = ctypes.string_at(entry.dlpi_phdr, entry.dlpi_phnum * 56)
            segments = tuple(elf.parse_segment(raw, i * 56) for i in range(entry.dlpi_phnum))
            found.append(LoadedObject(path, entry.dlpi_addr, segments))
        return 0

    libc().dl_iterate_phdr(_CALLBACK(visit), None)
    return found


def generation() -> tuple[int, int]:
    """How many objects were loaded and unloaded so far: a cheap way to see a change."""
    counts = [(0, 0)]

    def first(info: ctypes._Pointer[_DlPhdrInfo], size: int, data: int) -> int:
        if size >= _WITH_COUNTS:
            counts[0] = (info.contents.dlpi_adds, info.contents.dlpi_subs)
        else:  # an old C library: no counts, so every call is a change
            counts[0] = (id(counts), -1)
        return 1

    libc().dl_iterate_phdr(_CALLBACK(first), None)
    return counts[0]


def named(prefix: str) -> LoadedObject:
    """The one loaded object whose file name starts with ``prefix``."""
    matches = [o for o in objects() if os.path.basename(o.path).startswith(prefix)]
    if not matches:
        raise Unavailable(f"{prefix} is not loaded")
    if len(matches) > 1:
        raise Unavailable(f"more than one loaded object is named {prefix}*: {matches}")
    return matches[0]


def maps() -> list[Mapping]:
    """This process's mappings, as ``/proc/self/maps`` shows them now."""
    found = []
    with open("/proc/self/maps", "rb") as file:
        for line in file.read().decode(errors="replace").splitlines():
            fields = line.split(maxsplit=5)
            if len(fields) < 5:
                continue
            start, end = (int(part, 16) for part in fields[0].split("-"))
            path = fields[5] if len(fields) > 5 else ""
            found.append(Mapping(start, end, fields[1], fields[3], int(fields[4]), path))
    return found


def mapping_at(mappings: list[Mapping], address: int) -> Mapping | None:
    for mapping in mappings:
        if mapping.start <= address < mapping.end:
            return mapping
    return None


def readable(mappings: list[Mapping], address: int, size: int) -> bool:
    """Whether every byte of [address, address + size) is mapped readable."""
    end = address + size
    while address < end:
        mapping = mapping_at(mappings, address)
        if mapping is None or mapping.perms[0] != "r":
            return False
        address = mapping.end
    return True


def identity(loaded: LoadedObject, mappings: list[Mapping]) -> tuple[str, int, str, int]:
    """What identifies the object's mapping: path, load address, device, inode."""
    first = min((s for s in loaded.segments if s.type == elf.PT_LOAD), key=lambda s: s.vaddr)
    mapping = mapping_at(mappings, loaded.base + first.vaddr)
    if mapping is None:
        raise Unavailable(f"{loaded.path}: its first segment is not mapped")
    return loaded.path, loaded.base, mapping.device, mapping.inode


def reader(loaded: LoadedObject, mappings: list[Mapping]) -> elf.Reader:
    """Read the object's image at addresses relative to its load address, only where safe."""

    def read(vaddr: int, size: int) -> bytes:
        address = loaded.base + vaddr
        if not (0 <= size < 1 << 26 and loaded.contains(address, size, elf.PF_R)):
            raise elf.NotReadable(f"{vaddr:#x} (+{size}) is outside its loaded segments")
        if not readable(mappings, address, size):
            raise elf.NotReadable(f"{vaddr:#x} (+{size}) is not mapped readable")
        return ctypes.string_at(address, size)

    return read


def tables(
    loaded: LoadedObject, functions: tuple[str, ...], mappings: list[Mapping]
) -> tuple[elf.Slot, ...]:
    """The object's slots of ``functions``, read from its image as loaded."""
    read = reader(loaded, mappings)
    first = [s for s in loaded.segments if s.type == elf.PT_LOAD and s.offset == 0]
    if not first:
        raise elf.NotReadable("no segment maps its ELF header")
    header = read(first[0].vaddr, 64)
    if header[:4] != b"\x7fELF" or header[4] != 2 or header[5] != 1:
        raise elf.NotReadable("its image does not start with a 64-bit little-endian ELF header")
    (e_machine,) = struct.unpack_from("<H", header, 18)
    if e_machine != _E_MACHINE[platform.machine()]:
        raise elf.NotReadable(f"e_machine {e_machine} is not this process's")
    dynamic = [s for s in loaded.segments if s.type == elf.PT_DYNAMIC]
    if not dynamic:
        raise elf.NotReadable("no dynamic section")
    tags = elf.dynamic_tags(read(dynamic[0].vaddr, dynamic[0].memsz))
    for tag in elf.ADDRESS_TAGS:
        if tag in tags:
            tags[tag] = _relative(loaded, tags[tag])
    return elf.imports(read, tags, e_machine, functions)


def _relative(loaded: LoadedObject, value: int) -> int:
    # glibc adds the load address to some tags in the image (DT_SYMTAB, DT_STRTAB,
    # DT_RELA, DT_JMPREL, DT_VERSYM) and not to others (DT_VERNEED): each value is
    # taken as whichever of the two lies in the object, never a guess between both.
    as_relative = loaded.contains(loaded.base + value)
    as_absolute = loaded.base != 0 and value >= loaded.base and loaded.contains(value)
    if as_relative and as_absolute:
        raise elf.NotReadable(f"the address {value:#x} could be read two ways")
    if as_absolute:
        return value - loaded.base
    if as_relative:
        return value
    raise elf.NotReadable(f"a table at {value:#x} is outside its loaded segments")
