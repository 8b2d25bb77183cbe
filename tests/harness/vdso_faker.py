"""A vDSO faker, built by the tests: what Chaos Mesh's TimeChaos does, to a process's own vDSO.

``vdso_faker.c`` overwrites the vDSO's ``__vdso_clock_gettime``,
``__vdso_gettimeofday`` and ``__vdso_time`` with a jump to code that makes
the system call and adds an offset to the wall clock: no ``LD_PRELOAD`` of a
faker's clock functions, no ``FAKETIME``; Python's ``time.time()``, the C
library's ``clock_gettime``, OpenSSL and native code all read the faked
vDSO. Preloaded only to run its constructor (``VDSO_FAKER_OFFSET``, at
start), or loaded by the program (``vdso_fake(seconds)``, mid-run). Built
with the machine's gcc, x86_64 only.
"""

from __future__ import annotations

import platform
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.harness.faketime import _client_environment

SOURCE = Path(__file__).with_name("vdso_faker.c")


def build(directory: Path) -> Path:
    if platform.machine() != "x86_64" or shutil.which("gcc") is None:
        pytest.skip("the vDSO faker is built with gcc for x86_64")
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / "vdso_faker.so"
    if not target.exists():
        subprocess.run(
            ["gcc", "-shared", "-fPIC", "-O1", "-o", str(target), str(SOURCE)],
            check=True,
            capture_output=True,
        )
    return target


class VdsoFaker:
    """The faker in the process from its start (``seconds``), or loaded by the program later."""

    def __init__(self, library: Path, seconds: int, at_start: bool = True) -> None:
        self.library, self.seconds, self.at_start = library, seconds, at_start

    def environment(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        settings = {"VDSO_FAKER_LIBRARY": str(self.library)}
        if self.at_start:
            settings.update(LD_PRELOAD=str(self.library), VDSO_FAKER_OFFSET=str(self.seconds))
        else:
            settings["VDSO_FAKER_LATER"] = str(self.seconds)
        return _client_environment(extra, **settings)
