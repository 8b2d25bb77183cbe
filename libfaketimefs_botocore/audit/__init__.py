"""Does every clock read of the installed AWS libraries reach the real time?

The scanner (:mod:`.scan`) finds each read in the installed source of
botocore, boto3, s3transfer, aiobotocore, the AWS CLI (v2's vendored
botocore and s3transfer too) and the AWS signers that are not botocore
(requests-aws4auth, aws-requests-auth, requests-auth-aws-sigv4, httpx-auth,
aws-request-signer; aws-sdk-signers, smithy-core, smithy-aws-core and
smithy-http under AWS's smithy-python SDKs; awscrt and amazon-transcribe). Each read is then one of:

- **reached**: a wrap point covers it, proved from the wrap-point tables and
  what each stand-in says it answers, not from a second list;
- **on purpose**: left on the process clock, with the reason (:mod:`.on_purpose`);
- **through its uses**: the body of one of botocore's clock helpers
  (``get_current_datetime``), whose every call and reference is a read of
  its own;
- **unknown**: none of these. Such a read signs or judges an expiry with the
  process clock, under a faked clock the fake time.

Durations (monotonic clocks) are listed apart.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from libfaketimefs_botocore import integrations
from libfaketimefs_botocore.audit import on_purpose
from libfaketimefs_botocore.audit.scan import (
    AT_IMPORT,
    CALL,
    DURATION,
    ClockRead,
    Installation,
    Package,
)
from libfaketimefs_botocore.points import WrapPoint

REACHED = "reached"
ON_PURPOSE = "on purpose"
THROUGH_USES = "through its uses"
UNKNOWN = "unknown"

# What the audit reads, when installed, in the order a report lists them.
PACKAGES = integrations.AUDITED
# The AWS CLI v2 vendors these; its `import botocore` finds them.
VENDORED_BY_AWSCLI = integrations.awscli.VENDORS


@dataclass(frozen=True)
class Finding:
    read: ClockRead
    status: str
    why: str  # the wrap point, the reason, or what is missing

    def as_json(self) -> dict[str, object]:
        read = self.read
        return {
            "status": self.status,
            "why": self.why,
            "module": read.module,
            "file": read.path,
            "line": read.line,
            "function": read.function,
            "call": read.call,
            "source": read.source,
            "use": read.use,
        }


@dataclass(frozen=True)
class Audit:
    """The findings for one installation (a standalone botocore, or the AWS CLI v2)."""

    title: str
    packages: tuple[Package, ...]
    versions: dict[str, str]
    findings: tuple[Finding, ...]
    durations: tuple[ClockRead, ...]
    unreadable: tuple[str, ...]  # files the scanner could not parse
    files: int  # Python files read
    parsed: int  # of which named a clock, and were parsed
    seconds: float  # duration of the scan, on the process clock: for people only

    def shown(self, path: str) -> str:
        """A file's path from the folder its package is installed in."""
        for package in sorted(self.packages, key=lambda p: len(str(p.root)), reverse=True):
            if Path(path).is_relative_to(package.root):
                return package.shown(path)
        return path

    def by_status(self, status: str) -> list[Finding]:
        return [finding for finding in self.findings if finding.status == status]

    @property
    def unknown(self) -> list[Finding]:
        return self.by_status(UNKNOWN)


def classify(installation: Installation) -> tuple[list[Finding], list[ClockRead]]:
    findings: list[Finding] = []
    durations: list[ClockRead] = []
    reads = sorted(installation.reads(), key=lambda read: (read.module, read.line))
    for read in reads:
        if read.kind == DURATION:
            durations.append(read)
        else:
            findings.append(_classify(read, installation))
    return findings, durations


def _classify(read: ClockRead, installation: Installation) -> Finding:
    point = _covering_point(read, installation)
    if point is not None:
        return Finding(read, REACHED, f"{point.module}.{point.name}: {point.reads}")
    helper = installation.helper_definition(read.call)
    if helper is not None and _helper_reached(helper, installation):
        module, name = helper
        return Finding(read, REACHED, f"{module}.{name}, whose own read is reached")
    entry = on_purpose.find(read.module, read.enclosing, read.call)
    if entry is not None:
        return Finding(read, ON_PURPOSE, entry.reason)
    if read.helper is not None:
        return Finding(read, THROUGH_USES, f"the body of {read.helper}: each use is audited")
    return Finding(read, UNKNOWN, _missing(read))


def _covering_point(read: ClockRead, installation: Installation) -> WrapPoint | None:
    """The wrap point that answers this read with the real time, if one does."""
    module = installation.modules.get(read.module)
    if module is None:
        return None
    for point in integrations.WRAP_POINTS:
        if point.module != read.module or not point.applies(module.binds):
            continue
        stand_in = point.stand_in
        covers: frozenset[str] = getattr(stand_in, "COVERS", frozenset())
        # A name looked up when the read runs: its stand-in answers it. A
        # reference taken at import kept the original.
        if read.binding == point.name and read.use != AT_IMPORT and read.attribute in covers:
            return point
        # A function whose stand-in hands its body the time.
        enclosing = read.enclosing
        if getattr(stand_in, "COVERS_BODY", False) and (
            enclosing == point.name or enclosing.startswith(f"{point.name}.")
        ):
            return point
    return None


def _helper_reached(helper: tuple[str, str], installation: Installation) -> bool:
    """Whether every read in a clock helper's body is reached (``_local_now``'s ``datetime``)."""
    module, name = helper
    inside = [
        read
        for read in installation.reads_of(module)
        if read.helper == f"{module}.{name}" and read.kind != DURATION
    ]
    return bool(inside) and all(_covering_point(read, installation) is not None for read in inside)


def _missing(read: ClockRead) -> str:
    if read.binding is None:
        return "a name imported inside the function: no wrap point reaches a local import"
    if read.use == AT_IMPORT:
        return (
            f"taken when {read.module} is imported (a default argument or an attribute), "
            "before any wrap point: only a stand-in for the clock it calls would reach it"
        )
    if read.use != CALL:
        return f"no wrap point of {read.module} answers {read.binding}{_dot(read.attribute)}"
    return f"no wrap point of {read.module} answers {read.binding}{_dot(read.attribute)}()"


def _dot(attribute: str) -> str:
    return f".{attribute}" if attribute else ""


def installed(path: Sequence[str] | None = None) -> list[Audit]:
    """Audit what this Python imports (or what ``path`` holds): one audit an installation."""
    roots = _package_roots(path)
    audits = []
    awscli = roots.get("awscli")
    vendored = [name for name in VENDORED_BY_AWSCLI if awscli and (awscli / name).is_dir()]
    standalone = [
        # A package inside a namespace (snowflake.connector) is shown from the namespace's parent.
        Package(name, root, shown_from=root.parents[name.count(".")])
        for name, root in roots.items()
        if not (name == "awscli" and vendored)
    ]
    if standalone:
        audits.append(audit("this Python's AWS libraries", standalone))
    if awscli is not None and vendored:
        # The AWS CLI v2, and recent v1 releases (1.46 here), vendor botocore and s3transfer.
        packages = [Package(name, awscli / name, shown_from=awscli.parent) for name in vendored]
        packages.append(Package("awscli", awscli, skip=tuple(vendored)))
        audits.append(audit("the AWS CLI and the botocore it vendors", packages))
    return audits


def audit(title: str, packages: Iterable[Package]) -> Audit:
    packages = tuple(packages)
    started = time.perf_counter()
    installation = Installation(packages)
    findings, durations = classify(installation)
    seconds = time.perf_counter() - started
    versions = {package.name: _version(package) for package in packages}
    return Audit(
        title,
        packages,
        versions,
        tuple(findings),
        tuple(durations),
        tuple(str(path) for path in installation.unreadable),
        files=installation.files,
        parsed=len(installation.modules),
        seconds=seconds,
    )


def _package_roots(path: Sequence[str] | None) -> dict[str, Path]:
    roots = {}
    for name in PACKAGES:
        if path is None:
            try:
                spec = importlib.util.find_spec(name) if name not in sys.modules else None
            except ModuleNotFoundError:  # a dotted name whose parent is not installed
                spec = None
            module = sys.modules.get(name)
            location = (
                getattr(module, "__file__", None) if module else getattr(spec, "origin", None)
            )
        else:
            candidate = next((Path(p) / name for p in path if (Path(p) / name).is_dir()), None)
            location = None if candidate is None else str(candidate / "__init__.py")
        if location and location.endswith("__init__.py"):
            roots[name] = Path(location).parent
    return roots


def _version(package: Package) -> str:
    """``__version__`` as the package's ``__init__.py`` writes it, read without importing."""
    try:
        text = (package.root / "__init__.py").read_text(encoding="utf-8")
    except OSError:
        return "unknown"
    for line in text.splitlines():
        if line.startswith("__version__"):
            version = line.split("=", 1)[1].strip().strip("'\"")
            # A literal; a name (snowflake's) is found in the metadata instead.
            if version[:1].isdigit():
                return version
    return _distribution_version(package)


def _distribution_version(package: Package) -> str:
    """The version its installed distribution's metadata gives: httpx-auth keeps it
    elsewhere, and s3cmd's (``S3``), kafka-python's and snowflake-connector-python's
    distributions are not named as their packages are."""
    top = package.name.split(".")[0]
    wanted = package.name.lower().replace(".", "_")
    site = package.root.parents[package.name.count(".")]
    for distribution in importlib.metadata.distributions(path=[str(site)]):
        name = (distribution.metadata["Name"] or "").lower().replace("-", "_").replace(".", "_")
        if name == wanted or _top_level(distribution) == [top]:
            return distribution.version
    return "unknown"


def _top_level(distribution: importlib.metadata.Distribution) -> list[str]:
    """The top-level packages a distribution installs, from ``top_level.txt`` or its files."""
    text = distribution.read_text("top_level.txt")
    if text:
        return text.split()
    tops = {
        Path(str(file)).parts[0] for file in distribution.files or () if str(file).endswith(".py")
    }
    return sorted(top for top in tops if "." not in top and not top.startswith("__"))
