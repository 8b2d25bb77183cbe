"""Shared objects built by the tests with the machine's gcc, to put the redirection on the spot.

``clockuser``: ``now()`` reads ``clock_gettime`` (lazily bound: its slot holds
the object's own PLT stub until the first call), ``bump()`` writes a
counter in ``.data``. :func:`build` can move the end of its ``PT_GNU_RELRO``
to just past that slot, in the page that holds ``.data``: what an object
linked for 4 KiB pages looks like on a 16 or 64 KiB kernel (obstore 0.12.1's
aarch64 object: RELRO's end at 0xadd000, its clock slot at 0xadc400, .data
from 0xadd000), where glibc leaves that page writable.
"""

from __future__ import annotations

import platform
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

SOURCE = """
#include <time.h>
int counter = 1;
long now(void) { struct timespec t; clock_gettime(CLOCK_REALTIME, &t); return (long)t.tv_sec; }
int bump(void) { return ++counter; }
"""
# Another build of it, whose tables and slots all lie elsewhere (an in-place upgrade):
# 64 KiB of relocated pointers before its GOT.
UPGRADE = (
    SOURCE
    + """
void *const table[8192] = {[0] = &counter, [8191] = &counter};
void *entry(int i) { return table[i]; }
"""
)
# A loader, as duckdb's _duckdb is one: load() calls dlopen; at exit, after the interpreter has
# finalised, its destructor loads the object named by set_at_exit() (a C++ static's destructor,
# or an atexit handler of a C library, can do that).
LOADER = """
#include <dlfcn.h>
#include <stddef.h>
static char at_exit[4096];
void *load(const char *path) { return dlopen(path, RTLD_NOW); }
void set_at_exit(const char *path) {
  size_t i = 0;
  for (; path[i] && i < sizeof at_exit - 1; i++) at_exit[i] = path[i];
  at_exit[i] = 0;
}
__attribute__((destructor)) static void finish(void) { if (at_exit[0]) dlopen(at_exit, RTLD_NOW); }
"""
_PT_GNU_RELRO = 0x6474E552


def build(
    directory: Path, name: str, source: str = SOURCE, relro_ends_at_slot: bool = False
) -> Path:
    if platform.machine() != "x86_64" or shutil.which("gcc") is None:
        pytest.skip("built with gcc for x86_64 (the machine's, where it has one)")
    directory.mkdir(parents=True, exist_ok=True)
    c_file = directory / f"{name}.c"
    c_file.write_text(source)
    target = directory / f"{name}.so"
    subprocess.run(
        ["gcc", "-shared", "-fPIC", "-O1", "-o", str(target), str(c_file), "-Wl,-z,relro,-z,lazy"],
        check=True,
        capture_output=True,
    )
    if relro_ends_at_slot:
        _end_relro_past_the_clock_slot(target)
    return target


def _end_relro_past_the_clock_slot(path: Path) -> None:
    from libfaketimefs_botocore.native import elf

    data = bytearray(path.read_bytes())
    (slot,) = [s for s in elf.read_file(bytes(data), ("clock_gettime",)).slots]
    (phoff,) = struct.unpack_from("<Q", data, 32)
    (phnum,) = struct.unpack_from("<H", data, 56)
    for index in range(phnum):
        at = phoff + index * 56
        if struct.unpack_from("<I", data, at)[0] == _PT_GNU_RELRO:
            vaddr = struct.unpack_from("<Q", data, at + 16)[0]
            size = slot.offset + 8 - vaddr
            assert (slot.offset & ~0xFFF) > (vaddr & ~0xFFF), "glibc would protect no page"
            struct.pack_into("<QQ", data, at + 32, size, size)  # p_filesz, p_memsz
            path.write_bytes(bytes(data))
            return
    raise AssertionError(f"{path} has no PT_GNU_RELRO")
