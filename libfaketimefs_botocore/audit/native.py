"""The audit of native code: each shared object of the watched packages that imports a
function libfaketime fakes, and whether the redirection reaches that import.

Read from the installed files (nothing is loaded): an object of a package
that a native integration names has its clock and timed-wait imports
reached (:mod:`..native.scan` finds it once loaded); an import the
redirection leaves alone on purpose (``_duckdb``'s own clock, which SQL's
``now()`` reads) is left only where the integration says so
(``NATIVE_LEFT``, with the reason). Anything else
is unknown, and fails ``check --audit`` as an unknown Python read does: a
new object or symbol in a new release is found here before a user meets it.
Measured cost: the files are mapped, and only their tables read: about 0.1 s for
pyarrow's, polars' and obstore's objects.
"""

from __future__ import annotations

import mmap
import os
from dataclasses import dataclass

from libfaketimefs_botocore import integrations
from libfaketimefs_botocore.native import elf, functions, scan

REACHED, ON_PURPOSE, UNKNOWN = "reached", "on purpose", "unknown"


@dataclass(frozen=True)
class NativeFinding:
    package: str
    path: str  # shown from the folder the package is installed in
    symbol: str
    status: str
    why: str


def watched() -> dict[str, tuple[str, ...]]:
    """The installed packages to read: each native integration's, and the watched ones."""
    names = [p for _, native in integrations.NATIVE for p in native.packages]
    names += [*integrations.WATCHED, *(left.package for left in integrations.NATIVE_LEFT)]
    found = {}
    for name in dict.fromkeys(names):
        places = scan.roots((name,))
        if places:
            found[name] = places
    return found


def findings(packages: dict[str, tuple[str, ...]] | None = None) -> list[NativeFinding]:
    """Every import of a faked function by an object of ``packages`` (default :func:`watched`)."""
    redirected = {
        package: integration
        for integration, native in integrations.NATIVE
        for package in native.packages
        if not native.via_dlopen
    }
    left = {(entry.package, entry.symbol): entry.reason for entry in integrations.NATIVE_LEFT}
    found = []
    for package, places in (watched() if packages is None else packages).items():
        for path, shown in _objects(places):
            try:
                # Mapped, not read: only the headers and tables are touched (polars' is 180 MB).
                with (
                    open(path, "rb") as file,
                    mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data,
                ):
                    layout = elf.read_file(data, functions.REDIRECTED)
            except (OSError, ValueError, elf.NotReadable) as error:
                found.append(NativeFinding(package, shown, "", UNKNOWN, str(error)))
                continue
            for symbol in sorted({slot.symbol for slot in layout.slots}):
                if package in redirected:
                    status, why = REACHED, f"redirected by {redirected[package]}'s integration"
                elif (package, symbol) in left or (package, "*") in left:
                    status, why = ON_PURPOSE, left.get((package, symbol)) or left[(package, "*")]
                else:
                    status, why = UNKNOWN, "libfaketime fakes it, and nothing here redirects it"
                found.append(NativeFinding(package, shown, symbol, status, why))
    return found


def _objects(places: tuple[str, ...]) -> list[tuple[str, str]]:
    """The shared objects in ``places``: each path, and as shown (from the folder that holds
    the package, as the audit shows Python files)."""
    paths = []
    for place in places:
        shown_from = os.path.dirname(place)
        if os.path.isfile(place):
            paths.append((place, os.path.relpath(place, shown_from)))
            continue
        for folder, _, names in os.walk(place):
            for name in sorted(names):
                path = os.path.join(folder, name)
                if (name.endswith(".so") or ".so." in name) and not os.path.islink(path):
                    paths.append((path, os.path.relpath(path, shown_from)))
    return paths


def render(found: list[NativeFinding]) -> list[str]:
    lines = ["audit of native objects (imports of functions libfaketime fakes):"]
    by_object: dict[tuple[str, str], list[NativeFinding]] = {}
    for finding in found:
        by_object.setdefault((finding.package, finding.path), []).append(finding)
    for (package, path), of_object in by_object.items():
        for status in (UNKNOWN, ON_PURPOSE, REACHED):
            symbols = [f.symbol for f in of_object if f.status == status]
            if symbols:
                label = status.upper() if status == UNKNOWN else status
                why = next(f.why for f in of_object if f.status == status)
                lines.append(f"  {package}: {path}: {label}: {', '.join(symbols)}: {why}")
    if not found:
        lines.append("  none here")
    return lines


def verdict(found: list[NativeFinding]) -> str | None:
    unknown = [f"{f.path} ({f.symbol or f.why})" for f in found if f.status == UNKNOWN]
    if unknown:
        return f"{len(unknown)} native import(s) that nothing redirects: " + ", ".join(unknown)
    return None
