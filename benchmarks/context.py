"""What the measurements share in one run of ``make bench``: a libfaketimefs mount 400 days
ahead, a realtime file 30 s off the kernel clock, the verifying endpoint, the options."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Context:
    rounds: int
    iterations: int
    mount_realtime: str  # the mount's realtime file: agrees with the kernel clock
    mount_faketimerc: str  # libfaketime's timestamp file on the mount: +400 days
    off_file: str  # a realtime file 30 s off the kernel clock
    endpoint_url: str


@contextmanager
def opened(rounds: int, iterations: int) -> Iterator[Context]:
    from tests.harness.endpoint import Endpoint
    from tests.harness.faketime import DAY, Mount

    with tempfile.TemporaryDirectory(prefix="bench-") as directory:
        off_file = Path("/dev/shm") / f"bench-realtime-{os.getpid()}"
        off_file.write_text(f"{time.time() - 30:.6f}\n")
        mount = Mount(Path(directory) / "mnt")
        mount.start()
        mount.jump(400 * DAY)
        try:
            with Endpoint() as endpoint:
                yield Context(
                    rounds,
                    iterations,
                    str(mount.realtime),
                    str(mount.faketimerc),
                    str(off_file),
                    endpoint.url,
                )
        finally:
            mount.stop()
            off_file.unlink()
