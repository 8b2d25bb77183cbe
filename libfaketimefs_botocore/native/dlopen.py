"""A loaded object's ``dlopen`` import pointed at a hook, so that what it loads is reached at once.

Some clients load the code that signs at run time, from native code, with
no Python import to follow: duckdb loads its httpfs extension with
``dlopen`` at ``LOAD httpfs``, or by itself while binding the statement that
first needs it (a secret of ``TYPE s3``, a query of ``s3://``), and signs in
the same statement. The loader's slot for ``dlopen`` (checked as every slot
is, :mod:`.writes`) is pointed at a function made with ctypes that calls the
C library's own ``dlopen`` and then ``after(path)``, before the loader gets
the handle back: the new object is redirected before its first signature.
The loader's own clock imports are left alone.

The hook is a ctypes callback: freed, it would leave the loader's slot
pointing at freed code. So each callback, and what it calls, is kept for the
life of the process (its reference count raised once, never lowered), whatever
happens to this module: a reload, a purge from ``sys.modules``. And the slot is
given back before the interpreter finalises (an ``atexit`` handler of
:mod:`.redirection`): a destructor that loads an object after that
gets the C library's ``dlopen``, not a call into a finalised interpreter.

What cannot be made safe, as it is a call into Python from native code
(measured with an object built by the tests, docs/limitations.md): a native
thread whose ``dlopen`` runs while the thread holding the GIL waits for it
(joins it, or waits on a lock it holds) deadlocks; a child forked by a native
thread while another thread held the GIL hangs at its first ``dlopen``. No
duckdb path calls ``dlopen`` from a native thread: it loads extensions in the
thread that runs the statement.

The hook calls the real ``dlopen`` with the loader's arguments; only a name
without a slash is looked for differently (with the hook's own run path,
not the loader's), and the loaders here pass paths. ``after`` never raises
into the loader: whatever it raises is dropped, and the handle is returned
as the C library gave it. Measured cost: one Python call per ``dlopen`` of
the loader (duckdb: one per extension loaded).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
from typing import Callable

from libfaketimefs_botocore.native import elf, loaded, writes

_DLOPEN = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int)
_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


def _keep(thing: object) -> None:
    """Never freed: a reference that no reload, purge or finalisation of a module drops."""
    _incref(thing)


def hook(
    object_: loaded.LoadedObject, mappings: list[loaded.Mapping], after: Callable[[str], None]
) -> list[tuple[writes.Write, int]]:
    """Point ``object_``'s ``dlopen`` slots at a hook that calls ``after(path)`` once loaded."""
    try:
        slots = loaded.tables(object_, ("dlopen",), mappings)
    except elf.NotReadable as error:
        raise loaded.Unavailable(f"{object_.path}: {error}") from None
    if not slots:
        raise loaded.Unavailable(f"{object_.path} does not import dlopen")
    planned = []
    for slot in slots:
        real = loaded.lookup(loaded.libc()._handle, "dlopen", slot.version)
        if real is None:
            raise loaded.Unavailable(f"the C library has no dlopen@{slot.version}")
        callback = _DLOPEN(_opener(_DLOPEN(real), after))
        _keep(callback)
        address = ctypes.cast(callback, ctypes.c_void_p).value
        assert address is not None
        planned.append(
            writes.Write(
                "dlopen",
                object_.base + slot.offset,
                address,
                frozenset({real}),
                lazy=slot.kind == "JUMP_SLOT",
            )
        )
    return writes.write(object_, planned, mappings)


def _opener(
    real: Callable[[bytes | None, int], int | None], after: Callable[[str], None]
) -> Callable[[bytes | None, int], int | None]:
    def opened(path: bytes | None, flags: int) -> int | None:
        handle = real(path, flags)
        if handle and path:
            # Never into the loader: after() reports its own failures.
            with contextlib.suppress(BaseException):
                after(os.fsdecode(path))
        return handle

    _keep(opened)
    return opened
