"""A loaded shared object's imports of the C clock, pointed at the C library's own functions.

libfaketime fakes native code's clock by symbol: a shared object's slot for
``clock_gettime`` (``time``, ``gettimeofday``) is bound to libfaketime's
function, which is first in the process's global scope. The C library's own
definition, found with ``dlsym`` on libc's handle (its own scope, not the
global one), reads the kernel clock through the vDSO, which libfaketime does
not reach. Pointing one object's slots there gives that object, and only it,
the real time: every clock read inside it, not only its signatures (its
timers too), while the rest of the process keeps the fake time.

The slots are found in the object's file (:mod:`.elf_slots`), at the
address the object is loaded at (``dl_iterate_phdr``). A slot inside the
object's ``PT_GNU_RELRO`` range is read-only: its page is made writable for
the write and read-only again after; a slot outside it (a lazily bound
``.got.plt``) stays writable, as the dynamic linker needs it. Each original
value is kept, so that :func:`restore` puts it back; a client whose runtime read its
monotonic clock on one side and reads it on the other sees its timers jump
by the fake offset (obstore's connection pool then fails its next request),
so it is for tests, and for a client left out before it runs.

Where anything is unexpected (the object is not loaded, has no such slot, an
architecture or C library this does not know, ``mprotect`` refused), nothing
is written and the answer says why. glibc on x86_64 and aarch64.
Measured cost (make bench): see docs/performance.md.
"""

from __future__ import annotations

import ctypes
import mmap
import os
import platform
import threading
import warnings
from dataclasses import dataclass, field

from libfaketimefs_botocore import elf_slots
from libfaketimefs_botocore.points import NativeObject

_PROT_READ, _PROT_WRITE = 1, 2
_PAGE = os.sysconf("SC_PAGE_SIZE")
_lock = threading.Lock()


class Unavailable(Exception):
    """Why an object's clock imports cannot be redirected here."""


class NativeClockWarning(RuntimeWarning):
    """A native client's clock is left to the faked process clock: the reason is given. Once."""


ENV_VAR = "LIBFAKETIMEFS_BOTOCORE_NATIVE_EXCLUDE"  # integrations to leave out: "pyarrow,polars"
REDIRECTED = "redirected"
statuses: dict[str, str] = {}  # by NativeObject.library: REDIRECTED, or why not
_warned = False


@dataclass
class Redirection:
    """The slots of one loaded object pointed at the C library's clock, and their originals."""

    path: str
    relro: tuple[int, int] | None  # its read-only-after-relocation addresses, as loaded
    slots: list[tuple[str, int, int]] = field(default_factory=list)  # symbol, address, original


_redirected: dict[str, Redirection] = {}  # by the object's path


class _DlPhdrInfo(ctypes.Structure):
    _fields_ = [
        ("dlpi_addr", ctypes.c_size_t),
        ("dlpi_name", ctypes.c_char_p),
        ("dlpi_phdr", ctypes.c_void_p),
        ("dlpi_phnum", ctypes.c_uint16),
    ]


_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(_DlPhdrInfo), ctypes.c_size_t, ctypes.c_void_p
)


def _libc() -> ctypes.CDLL:
    # confstr, not platform.libc_ver(), which reads the whole Python executable.
    try:
        libc = os.confstr("CS_GNU_LIBC_VERSION") or ""
    except (ValueError, OSError):
        libc = ""
    if platform.system() != "Linux" or not libc.startswith("glibc"):
        raise Unavailable(
            f"not glibc on Linux ({platform.system()}, {libc or 'another C library'})"
        )
    return ctypes.CDLL("libc.so.6", use_errno=True)


def loaded(name: str) -> list[tuple[str, int]]:
    """The loaded objects whose file name starts with ``name``: (path, load address)."""
    found: list[tuple[str, int]] = []

    def visit(info: ctypes._Pointer[_DlPhdrInfo], size: int, data: int) -> int:
        path = (info.contents.dlpi_name or b"").decode(errors="replace")
        if path and os.path.basename(path).startswith(name):
            found.append((path, info.contents.dlpi_addr))
        return 0

    libc = _libc()
    libc.dl_iterate_phdr.argtypes = [_CALLBACK, ctypes.c_void_p]
    libc.dl_iterate_phdr(_CALLBACK(visit), None)
    return found


def _own_functions(libc: ctypes.CDLL, names: set[str]) -> dict[str, int]:
    dlsym = libc.dlsym
    dlsym.restype, dlsym.argtypes = ctypes.c_void_p, [ctypes.c_void_p, ctypes.c_char_p]
    functions = {}
    for name in names:
        address = dlsym(libc._handle, name.encode())
        if not address:
            raise Unavailable(f"the C library has no {name}()")
        functions[name] = address
    return functions


def redirect(name: str, functions: tuple[str, ...] = elf_slots.CLOCK_FUNCTIONS) -> Redirection:
    """Point the clock imports of the loaded object whose file name starts with ``name`` at
    the C library's own functions. Idempotent. :class:`Unavailable` says why not."""
    machine = platform.machine()
    if machine not in {known for known, _, _ in elf_slots.MACHINES.values()}:
        raise Unavailable(f"an architecture this does not know: {machine}")
    libc = _libc()
    path, base = _the_loaded(name)
    with _lock:
        if path in _redirected:
            return _redirected[path]
        layout = _layout(path, functions)
        if layout.machine != machine:
            raise Unavailable(f"{path} is for {layout.machine}, this is {machine}")
        if not layout.slots:
            raise Unavailable(f"{path} imports none of {', '.join(functions)}")
        own = _own_functions(libc, {slot.symbol for slot in layout.slots})
        relro = None if layout.relro is None else (base + layout.relro[0], base + layout.relro[1])
        redirection = Redirection(path, relro)
        for slot in layout.slots:
            address = base + slot.offset
            original = ctypes.c_void_p.from_address(address).value or 0
            redirection.slots.append((slot.symbol, address, original))
        writes = [(address, own[symbol]) for symbol, address, _ in redirection.slots]
        _write(libc, writes, relro)
        _redirected[path] = redirection
        return redirection


def restore(name: str) -> bool:
    """Put back the original slots of the object whose file name starts with ``name``."""
    libc = _libc()
    path, _ = _the_loaded(name)
    with _lock:
        redirection = _redirected.pop(path, None)
        if redirection is None:
            return False
        writes = [(address, original) for _, address, original in redirection.slots]
        _write(libc, writes, redirection.relro)
        return True


def _the_loaded(name: str) -> tuple[str, int]:
    objects = loaded(name)
    if not objects:
        raise Unavailable(f"{name} is not loaded")
    if len(objects) > 1:
        raise Unavailable(f"more than one loaded object is named {name}*: {objects}")
    return objects[0]


def _layout(path: str, functions: tuple[str, ...]) -> elf_slots.Layout:
    # Mapped, not read: only the headers and tables are touched (polars' is 180 MB).
    try:
        with open(path, "rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return elf_slots.read(data, functions)
    except (OSError, ValueError, elf_slots.NotReadable) as error:
        raise Unavailable(f"{path}: {error}") from None


def _write(libc: ctypes.CDLL, writes: list[tuple[int, int]], relro: tuple[int, int] | None) -> None:
    mprotect = libc.mprotect
    mprotect.restype = ctypes.c_int
    mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    # The read-only pages opened first, all of them, so that a refusal writes nothing.
    read_only = [address for address, _ in writes if relro and relro[0] <= address < relro[1]]
    pages = sorted({address & ~(_PAGE - 1) for address in read_only})
    opened = []
    try:
        for page in pages:
            if mprotect(page, _PAGE, _PROT_READ | _PROT_WRITE) != 0:
                raise Unavailable(f"mprotect refused: {os.strerror(ctypes.get_errno())}")
            opened.append(page)
        for address, value in writes:
            ctypes.c_void_p.from_address(address).value = value
    finally:
        for page in opened:
            mprotect(page, _PAGE, _PROT_READ)


def excluded() -> set[str]:
    """The integrations the environment leaves out."""
    return {name.strip() for name in os.environ.get(ENV_VAR, "").split(",") if name.strip()}


def apply(native: NativeObject, integration: str) -> None:
    """Redirect ``native``'s object unless its integration is left out; say why not, once."""
    global _warned
    if integration in excluded():
        statuses[native.library] = f"left out ({ENV_VAR})"
        return
    try:
        redirect(native.library)
    except Unavailable as error:
        statuses[native.library] = f"not redirected: {error}"
        if not _warned:
            _warned = True
            warnings.warn(
                f"libfaketimefs-botocore: {native.library}'s clock stays the process's "
                f"faked one: {error}",
                NativeClockWarning,
                stacklevel=2,
            )
        return
    statuses[native.library] = REDIRECTED
