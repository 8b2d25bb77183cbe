"""Warnings that no filter turns into a failure of the program.

The library warns from inside imports, hooks and ``patch_botocore()``: under
``python -W error`` or pytest's ``filterwarnings = error`` a plain
``warnings.warn`` would raise there, out of code that must never raise, and
stop the work that was to go on after the warning. Here the warning goes
through the filters as usual (shown, ignored, recorded by
``pytest.warns``); where a filter makes it an error, the message is written
on stderr instead, in one line, and the program goes on.
"""

from __future__ import annotations

import contextlib
import sys
import warnings


def warn(message: str, category: type[Warning], stacklevel: int = 2) -> None:
    """``warnings.warn(message, category)``, except that it never raises."""
    try:
        warnings.warn(message, category, stacklevel=stacklevel + 1)
    except Exception:  # noqa: BLE001 - a filter made it an error: said on stderr instead
        # No stderr to say it on (closed, None): check still says it.
        with contextlib.suppress(Exception):
            sys.stderr.write(f"{category.__name__}: {message}\n")
