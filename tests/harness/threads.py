"""Many threads at once, for the tests that sign or read clocks concurrently."""

from __future__ import annotations

import threading
from typing import Callable


def run_together(work: Callable[[], None], count: int = 16) -> None:
    """Run ``work`` in ``count`` threads released together; return when all have finished."""
    barrier = threading.Barrier(count)

    def released() -> None:
        barrier.wait()
        work()

    threads = [threading.Thread(target=released) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
