"""What time a clock read gets here: the real time, a signing time, or None for the process clock.

The stand-ins ask at every read: off (the switch off, no ``signing_time()``
block open here), or with no source of the real time, the answer is None
and the original read goes ahead. Imports the clock and the rest of the state.
"""

from __future__ import annotations

from libfaketimefs_botocore import clock
from libfaketimefs_botocore.state import chosen
from libfaketimefs_botocore.state.switch import SWITCH


def on_here() -> bool:
    """Whether the stand-ins answer here: the switch is on, or a signing_time() block is open."""
    return SWITCH.on or (chosen.blocks_open > 0 and chosen.here() is not None)


def real() -> float | None:
    """The real time when the stand-ins answer here and there is a source of it, else None."""
    if not on_here():
        return None
    return clock.now()


def signing() -> float | None:
    """A signing time: the chosen one in a signing_time() block, else the real time
    plus the offset learned for the endpoint being signed for."""
    choice = chosen.here()
    if choice is not None:
        return choice.seconds()
    if not SWITCH.on:
        return None
    return clock.signing_now()
