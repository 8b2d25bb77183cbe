"""The process-wide switch that sends botocore's clock reads to the real time."""

from __future__ import annotations

import threading


class Switch:
    """A reference count: on while anyone holds it.

    Global rather than per thread or per task: s3transfer and other pools
    sign in worker threads on behalf of the code that turned it on.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count = 0
        self._held_for_good = False
        # Read without the lock on every botocore clock read: a plain
        # attribute, rewritten only under the lock.
        self.on = False

    def acquire(self) -> None:
        with self._lock:
            self._count += 1
            self.on = True

    def release(self) -> None:
        with self._lock:
            if self._count == 0:
                raise RuntimeError("realtime signing switch released more often than acquired")
            self._count -= 1
            self.on = self._held_for_good or self._count > 0

    def hold_for_good(self) -> None:
        with self._lock:
            self._held_for_good = True
            self.on = True

    @property
    def count(self) -> int:
        """How many ``realtime_signing`` uses are active now."""
        return self._count

    @property
    def held_for_good(self) -> bool:
        return self._held_for_good


SWITCH = Switch()
