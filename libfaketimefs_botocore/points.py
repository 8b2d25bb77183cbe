"""What the project knows of a library's clock reads, as plain data.

A :class:`WrapPoint` is a binding that gets a stand-in; an :class:`OnPurpose`
is a read left on the process clock, with its reason. The integrations
(:mod:`libfaketimefs_botocore.integrations`) declare both; the installer
wraps the points, and the audit reads both, proving from them alone that
each read it finds in a library's source is reached or left on purpose.
Imports nothing of the package.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class WrapPoint:
    module: str
    name: str  # the module's binding, or "Class.method" as the class itself holds it
    reads: str  # what it reads or decides, for people (check, the docs, the audit)
    stand_in: Callable[[Any], object]  # called with the original binding
    # Data, not a predicate, so that the audit can tell from a module's source
    # whether the point applies, as the installer tells from the module itself.
    unless_binds: str | None = None

    def applies(self, module_binds: Callable[[str], bool]) -> bool:
        return self.unless_binds is None or not module_binds(self.unless_binds)


@dataclass(frozen=True)
class OnPurpose:
    """A read left on the process clock. Matched by module, enclosing function and what is
    finally called, not by line, so that an entry survives the releases that move code."""

    module: str  # a module, or "package.*" for every module in it
    function: str  # the enclosing qualified name; "*" for every function of the module
    call: str  # what is finally called, as the scanner names it; "*" for any
    reason: str


@dataclass(frozen=True)
class Unreached:
    """What a library does with the process clock that no wrap point reaches, and why:
    ``check`` names it where the distribution is installed (in the versions given)."""

    distribution: str  # as pip names it
    what: str  # what keeps the process clock, and under which faker
    why: str
    from_major: int = 0  # only releases from this major version on


@dataclass(frozen=True)
class NativeObject:
    """A native client: the shared objects loaded from its packages' folders get their clock
    and timed-wait imports pointed at the C library's own
    (:mod:`libfaketimefs_botocore.native`): where libfaketime is preloaded, once the library
    is on for good, after each import of a module of those packages."""

    module: str  # the Python module whose import loads its first objects
    packages: tuple[str, ...]  # the top-level packages (or one-file modules) it loads them from
    reads: str  # what reads the clock in it, and what else the real time changes there
    # Its objects' own clocks left alone: their dlopen hooked, and what they load redirected
    # (duckdb's extensions, loaded from native code at run time).
    via_dlopen: bool = False


@dataclass(frozen=True)
class NativeLeft:
    """An import of a package's shared objects through which they read a faked clock that
    the redirection does not reach, and why: the audit's on-purpose entry for native code."""

    package: str  # the top-level package whose objects import it
    symbol: str  # the imported symbol, as the object names it; "*" for every one
    reason: str


# Reasons that hold for more than one library.
DURATION = (
    "elapsed time or a timeout between two reads of the same process clock (bandwidth, "
    "progress, a wait for the browser): a duration, never sent"
)
NAME = (
    "a name, a description or a unique suffix made from the time: AWS stores it and "
    "compares it with no clock"
)
TEST_HELPER = "a helper for the library's own tests: never run by the library"
