"""Writing a loaded object's slots: each one proven to hold what it should before it is written.

This is the one place where the library writes into the process's memory,
so nothing here trusts what it has not checked against the running process:

- a slot is written only if it lies in the object's own writable segment,
  in a mapping of the object's own file, and now holds a value its caller
  named (libfaketime's function, the target itself, or, for a lazily bound
  slot, a stub in the object's own executable segment); one slot that
  holds anything else and nothing of the object is written;
- a page is opened only where glibc itself made it read-only after
  relocation: from the page of ``PT_GNU_RELRO``'s start up to, not
  including, the page its end falls in (glibc leaves that one writable, and
  it may hold ``.data``); each page gets back exactly the protection
  ``/proc/self/maps`` showed for it, at the running kernel's page size;
- a refusal of ``mprotect`` writes nothing.

Measured cost: a few microseconds per slot; the caller's one read of
``/proc/self/maps`` a pass (about 2.4 ms with 400 mappings) dominates.
"""

from __future__ import annotations

import ctypes
import os
from dataclasses import dataclass

from libfaketimefs_botocore.native import elf, loaded

_PROT = {"r": 1, "w": 2, "x": 4}


@dataclass(frozen=True)
class Write:
    symbol: str
    address: int
    value: int  # what the slot is to hold
    accepted: frozenset[int]  # what it may hold now
    lazy: bool = False  # a JUMP_SLOT: a stub inside the object's executable segment is accepted


def relro_pages(relro: tuple[int, int] | None, page_size: int) -> range:
    """The pages glibc makes read-only after relocation: start's page up to end's, exclusive."""
    if relro is None:
        return range(0)
    start, end = relro[0] & ~(page_size - 1), relro[1] & ~(page_size - 1)
    return range(start, max(start, end), page_size)


def protection(perms: str) -> int:
    return sum(flag for letter, flag in _PROT.items() if letter in perms[:3])


def write(
    object_: loaded.LoadedObject,
    writes: list[Write],
    mappings: list[loaded.Mapping],
    *,
    skip_others: bool = False,
    page_size: int = loaded.PAGE_SIZE,
) -> list[tuple[Write, int]]:
    """Write each slot, after checking them all; the written ones with what they held.

    :class:`~.loaded.Unavailable` where a check fails: then nothing is written. With
    ``skip_others`` (a restore), a slot holding something else is left as it is instead."""
    _, _, device, inode = loaded.identity(object_, mappings)
    planned: list[tuple[Write, int]] = []
    closed: dict[int, int] = {}  # page -> its protection, for the read-only pages to open
    for slot in writes:
        mapping = _slot_mapping(object_, slot, mappings, device, inode)
        held = ctypes.c_void_p.from_address(slot.address).value or 0
        if held == slot.value:
            continue
        if not _may_hold(object_, slot, held):
            if skip_others:
                continue
            raise loaded.Unavailable(
                f"{os.path.basename(object_.path)}: the slot of {slot.symbol} holds {held:#x}, "
                "which is neither libfaketime's function, the C library's, nor the object's own "
                "lazy-binding stub"
            )
        if "w" not in mapping.perms:
            page = slot.address & ~(page_size - 1)
            if page not in relro_pages(object_.relro, page_size):
                raise loaded.Unavailable(
                    f"{os.path.basename(object_.path)}: the slot of {slot.symbol} is in a "
                    f"read-only page ({mapping.perms}) that glibc did not protect after relocation"
                )
            closed[page] = protection(mapping.perms)
        planned.append((slot, held))
    if not planned:
        return []
    _write_opened(closed, planned, page_size)
    return planned


def give_back(
    object_: loaded.LoadedObject, written: list[tuple[Write, int]], mappings: list[loaded.Mapping]
) -> None:
    """Write back what :func:`write` found in each slot, where the slot still holds what it
    wrote (a slot bound anew since, or written by another, is left as it is)."""
    back = [
        Write(slot.symbol, slot.address, held, frozenset({slot.value})) for slot, held in written
    ]
    write(object_, back, mappings, skip_others=True)


def _slot_mapping(
    object_: loaded.LoadedObject,
    slot: Write,
    mappings: list[loaded.Mapping],
    device: str,
    inode: int,
) -> loaded.Mapping:
    name = os.path.basename(object_.path)
    if slot.address % ctypes.sizeof(ctypes.c_void_p) or not object_.contains(
        slot.address, ctypes.sizeof(ctypes.c_void_p), elf.PF_R | elf.PF_W
    ):
        raise loaded.Unavailable(
            f"{name}: the slot of {slot.symbol} at {slot.address:#x} is not in its writable segment"
        )
    mapping = loaded.mapping_at(mappings, slot.address)
    if mapping is None or (mapping.device, mapping.inode) != (device, inode):
        raise loaded.Unavailable(
            f"{name}: the slot of {slot.symbol} at {slot.address:#x} is not in a mapping of "
            "its file"
        )
    if "r" not in mapping.perms:
        raise loaded.Unavailable(f"{name}: the slot of {slot.symbol} is not readable")
    return mapping


def _may_hold(object_: loaded.LoadedObject, slot: Write, held: int) -> bool:
    return held in slot.accepted or (slot.lazy and object_.contains(held, flags=elf.PF_X))


def _write_opened(closed: dict[int, int], planned: list[tuple[Write, int]], page_size: int) -> None:
    mprotect = loaded.libc().mprotect
    opened: list[int] = []
    try:
        # Every page opened before any write, so that a refusal writes nothing.
        for page, prot in sorted(closed.items()):
            if mprotect(page, page_size, prot | _PROT["w"]) != 0:
                raise loaded.Unavailable(f"mprotect refused: {os.strerror(ctypes.get_errno())}")
            opened.append(page)
        for slot, _ in planned:
            ctypes.c_void_p.from_address(slot.address).value = slot.value
    finally:
        for page in opened:
            mprotect(page, page_size, closed[page])
