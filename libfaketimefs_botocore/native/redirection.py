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

import atexit
import os
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from libfaketimefs_botocore import notice
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
_hooked: list[tuple[tuple[str, int, str, int], list[tuple[writes.Write, int]]]] = []
_targets: functions.Targets | None = None
_warned = False


def _new_lock_in_child() -> None:
    global _lock
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_new_lock_in_child)


def excluded() -> set[str]:
    """The integrations the environment leaves out."""
    return {name.strip() for name in os.environ.get(ENV_VAR, "").split(",") if name.strip()}


@dataclass
class Cost:
    """What the passes cost this process, for check: a duration of the process's own clocks."""

    passes: int = 0
    maps_reads: int = 0
    seconds: float = 0.0


cost = Cost()
# Each loaded object a pass has looked at, by path and load address: None where it belonged to
# an integration (redirected, hooked or refused: never looked at again), else the package folders
# it lay outside of (looked at again only when another integration's package is imported). A
# path and address name one object until something is unloaded: then all are looked at anew.
_passed: dict[tuple[str, int], tuple[str, ...] | None] = {}
_unloads = [-1]


def apply(natives: Sequence[tuple[str, NativeObject]]) -> None:
    """One pass: every loaded object of the imported packages of ``natives`` not yet looked at
    is redirected (its ``dlopen`` hooked, for a native client ``via_dlopen``). Never raises.

    Reads nothing but ``sys.modules`` and the dynamic linker's list where nothing new was
    loaded from those packages; ``/proc/self/maps`` once where something was. Failure mode: an
    object loaded from a package's folder before that package is imported is looked at when
    it is."""
    started = time.perf_counter()
    try:
        _pass(natives)
    except Exception as error:  # noqa: BLE001 - a hook never raises: the reason is reported
        _refused("the native objects", f"they could not be listed: {error}")
    finally:
        cost.passes += 1
        cost.seconds += time.perf_counter() - started


def _pass(natives: Sequence[tuple[str, NativeObject]]) -> None:
    left_out = excluded()
    active = []
    for integration, native in natives:
        if integration in left_out:
            statuses[integration] = f"left out ({ENV_VAR})"
            continue
        places = scan.imported_roots(native.packages)
        if places:
            active.append((integration, native, places))
    if not active:
        return
    every = tuple(place for *_, places in active for place in places)
    with _lock:
        unloads = loaded.generation()[1]
        if unloads != _unloads[0]:
            _passed.clear()
            _unloads[0] = unloads
        done = {key for key, outside in _passed.items() if outside is None or outside == every}
        fresh = loaded.objects(skip=done)
        mappings: list[loaded.Mapping] | None = None
        for object_ in fresh:
            owner = next((a for a in active if scan.belongs(object_.path, a[2])), None)
            if owner is None:
                _passed[(object_.path, object_.base)] = every
                continue
            _passed[(object_.path, object_.base)] = None
            integration, native, _ = owner
            if mappings is None:
                mappings = loaded.maps()
                cost.maps_reads += 1
            _look_at(object_, integration, native, mappings)


def _look_at(
    object_: loaded.LoadedObject,
    integration: str,
    native: NativeObject,
    mappings: list[loaded.Mapping],
) -> None:
    name = os.path.basename(object_.path)
    try:
        if native.via_dlopen:
            if _hook(object_, integration, mappings):
                statuses[name] = HOOKED
            return
        redirection = _redirect(object_, mappings, quiet=True)
    except Exception as error:  # noqa: BLE001 - any failure is a reason, never a crash
        _refused(name, str(error))
        return
    if redirection is not None:
        statuses[name] = REDIRECTED


def _hook(object_: loaded.LoadedObject, integration: str, mappings: list[loaded.Mapping]) -> bool:
    key = loaded.identity(object_, mappings)
    if key in _looked_at:
        return False
    _looked_at.add(key)
    written = dlopen.hook(object_, mappings, lambda path: _loaded_by(integration, path))
    if not _hooked:
        # The list itself, not this module's name for it: a reload rebinds the name.
        atexit.register(_unhook_all, _hooked)
    _hooked.append((key, written))
    return True


def _unhook_all(
    hooked: list[tuple[tuple[str, int, str, int], list[tuple[writes.Write, int]]]],
) -> None:
    """At exit, before the interpreter finalises: each hooked ``dlopen`` slot given back, so that
    a destructor's ``dlopen`` never calls into a finalised interpreter. Never raises. Without
    the lock: a thread left holding it would hang the exit."""
    try:
        mappings = loaded.maps()
        now = {(o.path, o.base): o for o in loaded.objects()}
        for key, written in hooked:
            object_ = now.get(key[:2])
            if object_ is not None and loaded.identity(object_, mappings) == key:
                writes.give_back(object_, written, mappings)
    except Exception:  # noqa: BLE001 - at exit: nothing left to tell
        pass


def _loaded_by(integration: str, path: str) -> None:
    """Called by a hooked ``dlopen``, inside it: the object it loaded, redirected now."""
    real = os.path.realpath(path)
    mappings: list[loaded.Mapping] | None = None
    for object_ in loaded.objects():
        if os.path.realpath(object_.path) != real:
            continue
        name = os.path.basename(object_.path)
        try:
            with _lock:
                if mappings is None:
                    mappings = loaded.maps()
                redirection = _redirect(object_, mappings, quiet=True)
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
        notice.warn(
            f"libfaketimefs-botocore: {name}'s clock stays the process's faked one: {why}",
            NativeClockWarning,
            stacklevel=3,
        )


def redirect(prefix: str) -> Redirection:
    """Redirect the loaded object whose file name starts with ``prefix``; :class:`Unavailable`
    says why not (for tests and benchmarks: the integrations go through :func:`apply`)."""
    with _lock:
        redirection = _redirect(loaded.named(prefix), loaded.maps(), quiet=False)
    assert redirection is not None
    return redirection


def hook_dlopen(prefix: str, integration: str) -> None:
    """Hook the ``dlopen`` of the loaded object whose file name starts with ``prefix``, as
    :func:`apply` does a native client's ``via_dlopen`` (for tests); :class:`Unavailable` says
    why not."""
    with _lock:
        _hook(loaded.named(prefix), integration, loaded.maps())


def _redirect(
    object_: loaded.LoadedObject, mappings: list[loaded.Mapping], *, quiet: bool
) -> Redirection | None:
    global _targets
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
        writes.give_back(object_, redirection.written, mappings)
        return True


def redirections() -> list[Redirection]:
    """What is redirected now, in the order it was done."""
    return list(_redirected.values())
