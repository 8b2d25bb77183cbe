"""The clock reads left on the process clock on purpose: the integrations' entries, found.

Matched by module, enclosing function and what is finally called, not by
line, so that an entry survives the releases that move code around it. A
read that is neither left on purpose nor reached by a wrap point is unknown:
the audit fails on it, and it belongs either in its integration's wrap
points or in its ``ON_PURPOSE``, with a reason a reviewer can check against
the code.
"""

from __future__ import annotations

from libfaketimefs_botocore.integrations import ON_PURPOSE
from libfaketimefs_botocore.points import OnPurpose

__all__ = ["ON_PURPOSE", "OnPurpose", "find"]


def find(module: str, function: str, call: str) -> OnPurpose | None:
    """The entry that leaves this read on the process clock, if there is one.

    ``*`` stands for any function, any call, or (at the end of a module name)
    any module in that package.
    """
    for entry in ON_PURPOSE:
        if (
            _matches(entry.module, module)
            and entry.call in ("*", call)
            and entry.function in ("*", function)
        ):
            return entry
    return None


def _matches(pattern: str, module: str) -> bool:
    if pattern.endswith(".*"):
        return module.startswith(pattern[:-1])
    return pattern == module
