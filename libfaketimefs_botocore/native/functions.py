"""Which imports give an object its clock, and where each one leads in this process.

libfaketime interposes by symbol: the clock reads, and the timed waits and
timers through which it converts deadlines between the fake time and the
real one. An object whose clock reads are real but whose waits still pass
through libfaketime has two clocks (polars' jemalloc threads computed real
deadlines that libfaketime shifted by the offset: they spun, or would sleep
a year), so both are redirected together: :data:`FUNCTIONS`. Of these, only
the ones the preloaded libfaketime itself defines are touched. Each slot's
target is the C library's own function at the version the object imports
(``dlvsym``); what the slot may hold before it is written is libfaketime's
function of that name, the target itself, or a lazy-binding stub inside the
object (:mod:`.writes` checks).
"""

from __future__ import annotations

import os

from libfaketimefs_botocore.native import elf, loaded, namespace

CLOCK_READS = (
    "clock_gettime",
    "__clock_gettime",
    "time",
    "__time",
    "gettimeofday",
    "__gettimeofday",
    "timespec_get",
    "ftime",
    "__ftime",
)
TIMED_WAITS = (
    "pthread_cond_timedwait",
    "pthread_cond_clockwait",
    "sem_timedwait",
    "sem_clockwait",
    "clock_nanosleep",
    "nanosleep",
    "usleep",
    "sleep",
    "alarm",
    "timer_settime",
    "timer_gettime",
    "timerfd_settime",
    "timerfd_gettime",
    "poll",
    "ppoll",
    "select",
    "pselect",
    "epoll_wait",
    "epoll_pwait",
)
FUNCTIONS = CLOCK_READS + TIMED_WAITS
# C++'s wall clock, imported from libstdc++, whose own clock libfaketime fakes: pointed at a
# second libstdc++ in a namespace of its own (:mod:`.namespace`).
CXX_CLOCKS = ("_ZNSt6chrono3_V212system_clock3nowEv",)
REDIRECTED = FUNCTIONS + CXX_CLOCKS
READABLE = {CXX_CLOCKS[0]: "std::chrono::system_clock::now (a second libstdc++, its own namespace)"}


class Targets:
    """libfaketime's and the C library's definitions in this process, looked up once each."""

    def __init__(self) -> None:
        objects = loaded.objects()
        library = loaded.libc()
        self._libc_handle = library._handle
        # By what this namespace's libc handle resolves, not by name: a second namespace
        # (:mod:`.namespace`) has a C library of its own.
        self.libc = _containing(objects, loaded.lookup(self._libc_handle, "dl_iterate_phdr", None))
        self.faketime = _one(objects, "libfaketime")
        # glibc resolves time() and gettimeofday() to the vDSO's own functions (IFUNCs).
        self._own = [self.libc, *(o for o in objects if o.path.startswith("linux-vdso"))]
        self._faketime_handle = loaded.handle_of(self.faketime.path)
        self._cache: dict[tuple[str, str | None], tuple[int | None, frozenset[int]]] = {}

    def of(self, symbol: str, version: str | None) -> tuple[int | None, frozenset[int]]:
        """The C library's own function for the import, and libfaketime's: (target, faked).

        No target where the C library has no such function at that version; nothing faked
        where libfaketime does not define the symbol (the slot is then left alone)."""
        key = (symbol, version)
        if key not in self._cache and symbol in CXX_CLOCKS:
            self._cache[key] = self._cxx(symbol, version)
        if key not in self._cache:
            target = loaded.lookup(self._libc_handle, symbol, version)
            if target is not None and not any(
                o.contains(target, flags=elf.PF_X) for o in self._own
            ):
                target = None  # found in a dependency of the C library, not in it
            # The version the object imports where libfaketime defines it, else its default.
            faked: frozenset[int] = frozenset()
            for wanted in (version, None):
                address = loaded.lookup(self._faketime_handle, symbol, wanted)
                if address is not None and self.faketime.contains(address, flags=elf.PF_X):
                    faked = frozenset({address})
                    break
            self._cache[key] = (target, faked)
        return self._cache[key]

    def _cxx(self, symbol: str, version: str | None) -> tuple[int | None, frozenset[int]]:
        # What the slot holds: the process's libstdc++'s definition (loaded as a dependency of
        # extensions, so not in the global scope: looked up in each libstdc++ of this
        # namespace by its handle); its target: the second copy's.
        bound: set[int] = set()
        path = None
        for cxx in loaded.objects():  # now: libstdc++ may have come after this was made
            if not os.path.basename(cxx.path).startswith("libstdc++"):
                continue
            try:
                address = loaded.lookup(loaded.handle_of(cxx.path), symbol, version)
            except loaded.Unavailable:
                continue
            if address is not None and cxx.contains(address, flags=elf.PF_X):
                bound.add(address)
                path = path or cxx.path
        if path is None:
            raise loaded.Unavailable(f"no loaded libstdc++ defines {symbol}@{version}")
        return namespace.cxx_function(path, symbol, version), frozenset(bound)


def _containing(objects: list[loaded.LoadedObject], address: int | None) -> loaded.LoadedObject:
    found = [o for o in objects if address is not None and o.contains(address, flags=elf.PF_X)]
    if len(found) != 1:
        raise loaded.Unavailable(f"{len(found)} loaded objects hold {address or 0:#x}, not one")
    return found[0]


def _one(objects: list[loaded.LoadedObject], prefix: str) -> loaded.LoadedObject:
    found = [o for o in objects if os.path.basename(o.path).startswith(prefix)]
    if len(found) != 1:
        raise loaded.Unavailable(f"{len(found)} loaded objects named {prefix}*, not one")
    return found[0]
