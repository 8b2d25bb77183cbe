"""C++'s clock, real: a second libstdc++ in a link namespace of its own, where libfaketime is not.

C++ code reads the wall clock through ``std::chrono::system_clock::now``,
which it imports from the process's one ``libstdc++.so.6``; that copy calls
``clock_gettime`` through its own imports, which libfaketime fakes for the
whole process. ``dlmopen(LM_ID_NEWLM, ...)`` loads another copy of the same
file, with its own C library, in a new namespace: libfaketime, preloaded
into the first namespace only, is not there, so that copy's
``system_clock::now`` reads the kernel's clock (through the vDSO). A
redirected object's ``system_clock::now`` slot is pointed at it. One copy
per process, loaded at the first object that needs it, never before; its
``steady_clock`` is not used. Where ``dlmopen`` is refused (namespaces
exhausted, a library with static TLS, a C library without it) the reason is
:class:`~.loaded.Unavailable`, remembered: it is not tried again.
Measured cost: the ``dlmopen``, about 2 ms, once per process.
"""

from __future__ import annotations

import os

from libfaketimefs_botocore.native import loaded

_LM_ID_NEWLM, _RTLD_NOW, _RTLD_LOCAL = -1, 0x2, 0x0
_copy: int | None = None
_refused: str | None = None


def cxx_function(path: str, symbol: str, version: str | None) -> int:
    """``symbol`` in the second copy of the libstdc++ at ``path``; loaded at the first call."""
    global _copy, _refused
    if _refused is not None:
        raise loaded.Unavailable(_refused)
    library = loaded.libc()
    if _copy is None:
        handle = library.dlmopen(_LM_ID_NEWLM, os.fsencode(path), _RTLD_NOW | _RTLD_LOCAL)
        if not handle:
            why = (library.dlerror() or b"no reason given").decode(errors="replace")
            _refused = f"dlmopen refused a second {os.path.basename(path)}: {why}"
            raise loaded.Unavailable(_refused)
        _copy = int(handle)
    address = loaded.lookup(_copy, symbol, version)
    if address is None:
        raise loaded.Unavailable(
            f"the second {os.path.basename(path)} has no {symbol}@{version or 'default'}"
        )
    return address


def loaded_copy() -> bool:
    """Whether the second copy is loaded in this process."""
    return _copy is not None
