"""Native clients' clock, redirected: each object's clock and timed-wait imports at once.

libfaketime fakes native code's clock by symbol. Pointing one object's
imports of the clock and of the timed waits (:mod:`.functions`) at the C
library's own functions gives that object, and only it, one clock: the
real one, for its signatures, its TLS, its timers and its deadlines alike,
while the rest of the process keeps the fake time. The slots are read from
the object as loaded (:mod:`.loaded`), checked and written by
:mod:`.writes`; every object loaded from an integration's packages is
reached (:mod:`.scan`), however it is named.

Each redirection is kept by what identifies the mapping (path, load
address, device, inode), so that an object unloaded and another loaded at
its path is a new one; :func:`restore` writes back only the slots that still
hold what was written. A client whose runtime read its monotonic clock on
one side and reads it on the other sees its timers jump (obstore's
connection pool then fails its next request): restore is for tests.

Nothing here raises out of :func:`apply`, which the import hooks and
``patch_botocore()`` call: every failure is a reason in :data:`statuses`
and a :class:`NativeClockWarning`, once. The lock is made anew in a forked
child, whose parent may have held it.
"""

from __future__ import annotations

import os
import sys
import threading
import warnings
from dataclasses import dataclass

from libfaketimefs_botocore.native import dlopen, elf, functions, loaded, scan, writes
from libfaketimefs_botocore.native.loaded import Unavailable
from libfaketimefs_botocore.points import NativeObject

__all__ = ["REDIRECTED", "NativeClockWarning", "Unavailable", "apply", "redirect", "restore"]

ENV_VAR = "LIBFAKETIMEFS_BOTOCORE_NATIVE_EXCLUDE"  # integrations to leave out: "pyarrow,polars"
REDIRECTED = "redirected"
HOOKED = "its dlopen hooked: each object it loads is redirected, its own clock is not"
# By object file name (or integration left out): REDIRECTED, HOOKED, or why not.
statuses: dict[str, str] = {}


class NativeClockWarning(RuntimeWarning):
    """A native client's clock is left to the faked process clock: the reason is given. Once."""


@dataclass
class Redirection:
    """The slots of one loaded object pointed at the C library's functions, and what they held."""

    path: str
    key: tuple[str, int, str, int]  # path, load address, device, inode
    written: list[tuple[writes.Write, int]]

    @property
    def symbols(self) -> list[str]:
        return sorted({functions.READABLE.get(s.symbol, s.symbol) for s, _ in self.written})


_lock = threading.Lock()
_redirected: dict[tuple[str, int, str, int], Redirection] = {}
_looked_at: set[tuple[str, int, str, int]] = set()  # objects with nothing to redirect, or refused
_targets: functions.Targets | None = None
_warned = False


def _new_lock_in_child() -> None:
    global _lock
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_new_lock_in_child)


def excluded() -> set[str]:
    """The integrations the environment leaves out."""
    return {name.strip() for name in os.environ.get(ENV_VAR, "").split(",") if name.strip()}


def apply(native: NativeObject, integration: str) -> None:
    """Redirect every loaded object of ``native``'s packages not yet looked at. Never raises."""
    if integration in excluded():
        statuses[integration] = f"left out ({ENV_VAR})"
        return
    try:
        found = scan.objects_of(native.packages)
    except Exception as error:  # noqa: BLE001 - a hook never raises: the reason is reported
        _refused(integration, f"its objects could not be listed: {error}")
        return
    for object_ in found:
        name = os.path.basename(object_.path)
        try:
            with _lock:
                if native.via_dlopen:
                    if _hook(object_, integration):
                        statuses[name] = HOOKED
                    continue
                redirection = _redirect(object_, quiet=True)
        except Exception as error:  # noqa: BLE001 - any failure is a reason, never a crash
            _refused(name, str(error))
            continue
        if redirection is not None:
            statuses[name] = REDIRECTED


def _hook(object_: loaded.LoadedObject, integration: str) -> bool:
    mappings = loaded.maps()
    key = loaded.identity(object_, mappings)
    if key in _looked_at:
        return False
    _looked_at.add(key)
    dlopen.hook(object_, mappings, lambda path: _loaded_by(integration, path))
    return True


def _loaded_by(integration: str, path: str) -> None:
    """Called by a hooked ``dlopen``, inside it: the object it loaded, redirected now."""
    real = os.path.realpath(path)
    for object_ in loaded.objects():
        if os.path.realpath(object_.path) != real:
            continue
        name = os.path.basename(object_.path)
        try:
            with _lock:
                redirection = _redirect(object_, quiet=True)
        except Exception as error:  # noqa: BLE001 - inside the loader's dlopen: never raise
            _refused(name, str(error))
            continue
        if redirection is not None:
            statuses[name] = f"{REDIRECTED} (loaded by {integration})"


def _refused(name: str, why: str) -> None:
    global _warned
    statuses[name] = f"not redirected: {why}"
    if not _warned:
        _warned = True
        warnings.warn(
            f"libfaketimefs-botocore: {name}'s clock stays the process's faked one: {why}",
            NativeClockWarning,
            stacklevel=3,
        )


def redirect(prefix: str) -> Redirection:
    """Redirect the loaded object whose file name starts with ``prefix``; :class:`Unavailable`
    says why not (for tests and benchmarks: the integrations go through :func:`apply`)."""
    with _lock:
        redirection = _redirect(loaded.named(prefix), quiet=False)
    assert redirection is not None
    return redirection


def _redirect(object_: loaded.LoadedObject, *, quiet: bool) -> Redirection | None:
    global _targets
    mappings = loaded.maps()
    key = loaded.identity(object_, mappings)
    if key in _redirected:
        if _holds(_redirected[key], object_, mappings):
            return _redirected[key]
        # Unloaded and loaded again at the same address: its slots are bound anew.
        del _redirected[key]
        _looked_at.discard(key)
    if key in _looked_at and quiet:
        return None
    _looked_at.add(key)
    try:
        slots = loaded.tables(object_, functions.REDIRECTED, mappings)
    except elf.NotReadable as error:
        raise Unavailable(f"{object_.path}: {error}") from None
    if _targets is None:
        _targets = functions.Targets()
    planned = []
    for slot in slots:
        target, faked = _targets.of(slot.symbol, slot.version)
        if not faked:
            continue  # libfaketime does not define it: the slot is the C library's already
        if target is None:
            raise Unavailable(
                f"the C library has no {slot.symbol}@{slot.version or 'default'} for "
                f"{os.path.basename(object_.path)}"
            )
        planned.append(
            writes.Write(
                slot.symbol,
                object_.base + slot.offset,
                target,
                faked,
                lazy=slot.kind == "JUMP_SLOT",
            )
        )
    if not planned:
        if quiet:
            return None
        raise Unavailable(
            f"{object_.path} imports none of clock_gettime, time, gettimeofday, nor a timed "
            "wait that libfaketime fakes"
        )
    written = writes.write(object_, planned, mappings)
    redirection = Redirection(object_.path, key, written)
    _redirected[key] = redirection
    return redirection


def _holds(
    redirection: Redirection, object_: loaded.LoadedObject, mappings: list[loaded.Mapping]
) -> bool:
    """Whether every slot written still holds what was written (read only where mapped)."""
    read = loaded.reader(object_, mappings)
    try:
        held = [read(slot.address - object_.base, 8) for slot, _ in redirection.written]
    except elf.NotReadable:
        return False
    return all(
        int.from_bytes(raw, sys.byteorder) == slot.value
        for raw, (slot, _) in zip(held, redirection.written)
    )


def restore(prefix: str) -> bool:
    """Put back the slots of the object whose file name starts with ``prefix``, where they still
    hold what was written."""
    object_ = loaded.named(prefix)
    with _lock:
        mappings = loaded.maps()
        redirection = _redirected.pop(loaded.identity(object_, mappings), None)
        if redirection is None:
            return False
        _looked_at.discard(redirection.key)
        back = [
            writes.Write(slot.symbol, slot.address, original, frozenset({slot.value}))
            for slot, original in redirection.written
        ]
        writes.write(object_, back, mappings, skip_others=True)
        return True


def redirections() -> list[Redirection]:
    """What is redirected now, in the order it was done."""
    return list(_redirected.values())
