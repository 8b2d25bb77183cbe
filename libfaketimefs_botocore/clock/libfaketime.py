"""Whether libfaketime is in this process: the one faker here that reaches C code's clock."""

from __future__ import annotations

import functools
import os
import re

# The library itself (Debian ships libfaketime.so.1 and libfaketimeMT.so.1),
# told by its file name: a folder whose name holds "libfaketime" (a venv, the
# plugin folder of the frozen AWS CLI) is not it.
_LIBFAKETIME = re.compile(r"libfaketime(?:MT)?\.so(?:\.[0-9]+)*")


def is_libfaketime(path: str) -> bool:
    # A file replaced on disk after it was mapped (a package upgrade) is still it.
    path = path.removesuffix(" (deleted)")
    return _LIBFAKETIME.fullmatch(os.path.basename(path)) is not None


@functools.cache
def preloaded() -> bool:
    """libfaketime is mapped into this process (it cannot be mapped later: it is preloaded)."""
    return mapped()


def mapped() -> bool:
    try:
        with open("/proc/self/maps") as maps:
            # address perms offset device inode path: the path may hold spaces.
            return any(
                is_libfaketime(fields[5])
                for fields in (line.rstrip("\n").split(maxsplit=5) for line in maps)
                if len(fields) == 6
            )
    except OSError:
        preload = os.environ.get("LD_PRELOAD", "").replace(":", " ").split()
        return any(is_libfaketime(path) for path in preload)
