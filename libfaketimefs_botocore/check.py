"""``libfaketimefs-botocore check``: will AWS accept what botocore signs here?"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import email.utils
import importlib
import importlib.metadata
import importlib.util
import json
import os
import ssl
import sys
import time
import urllib.error
import urllib.request
import warnings
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

from libfaketimefs_botocore import clock, integrations, wrapping
from libfaketimefs_botocore.audit import Audit, installed
from libfaketimefs_botocore.audit import native as audit_native
from libfaketimefs_botocore.audit import report as audit_report
from libfaketimefs_botocore.clock import endpoint_offsets, libfaketime, process
from libfaketimefs_botocore.state.switch import SWITCH

if TYPE_CHECKING:
    from libfaketimefs_botocore.clock.kernel import KernelClock

SKEW_LIMIT = 300.0  # seconds: AWS refuses a request time further than this from its own


# Which source botocore signs with, as ``check`` names it.
REALTIME_FILE = "realtime file"
KERNEL_CLOCK = "kernel clock"
KERNEL_CLOCK_CHECKED = "kernel clock, checked against the realtime file once a second"
PROCESS_CLOCK = "process clock"
NO_SOURCE = "none: signing raises"
AUTOPATCH = "LIBFAKETIMEFS_BOTOCORE_AUTOPATCH"


@dataclass
class Report:
    process_clock: float
    realtime: float | None = None  # what botocore signs with, when it is not the process clock
    source: str = PROCESS_CLOCK
    realtime_file: str | None = None
    file_time: float | None = None
    kernel_clock: float | None = None
    kernel_before_file: float | None = None  # the kernel clock read just before the file
    kernel_after_file: float | None = None  # and just after it
    kernel_clock_via: str = ""
    error: str | None = None
    libfaketime_preloaded: bool = False
    vdso_offset: float | None = None  # the vDSO minus the system call, where a faker moved it
    c_clock_offset: float | None = None  # the C library's clock minus the kernel's
    fakers: list[str] = field(default_factory=list)  # what fakes this process's clocks
    tls: str = ""  # how the certificates of the endpoints signed for are judged
    tls_stacks: list[str] = field(default_factory=list)  # the other HTTPS stacks present
    unreached: list[str] = field(default_factory=list)  # installed here, and not reached
    native: list[str] = field(default_factory=list)  # the native clients installed, and how
    botocore_version: str | None = None
    awscli_version: str | None = None
    switch_on: bool = False
    autopatch: bool = False
    autopatch_problem: str | None = None  # the variable's value, not understood
    wrap_points: list[dict[str, str]] = field(default_factory=list)
    endpoint_url: str | None = None
    endpoint_clock: float | None = None  # the endpoint's Date header
    endpoint_minus_real: float | None = None
    correct_skew: bool = True
    audits: list[Audit] | None = None  # the audit's, when asked for
    native_audit: list[audit_native.NativeFinding] | None = None  # and of the native objects

    @property
    def audit_failure(self) -> str | None:
        if self.audits is None:
            return None
        failures = [audit_report.verdict(self.audits)]
        failures.append(
            None if self.native_audit is None else audit_native.verdict(self.native_audit)
        )
        return "; ".join(failure for failure in failures if failure) or None

    @property
    def skew(self) -> float | None:
        return None if self.realtime is None else self.process_clock - self.realtime

    @property
    def file_minus_kernel(self) -> float | None:
        if self.file_time is None or self.kernel_after_file is None:
            return None
        return self.file_time - self.kernel_after_file

    @property
    def file_read_seconds(self) -> float | None:
        """How long the read of the realtime file took, by the kernel clock (a stalled file's
        read is bounded: 2 s)."""
        if self.kernel_before_file is None or self.kernel_after_file is None:
            return None
        return self.kernel_after_file - self.kernel_before_file

    @property
    def file_agrees(self) -> bool:
        """The file's time within the agreement of the kernel's readings around it."""
        return self.file_time is not None and clock.agrees(
            self.file_time, self.kernel_before_file, self.kernel_after_file
        )

    @property
    def unpatched_refused(self) -> bool | None:
        skew = self.skew
        return None if skew is None else abs(skew) > SKEW_LIMIT

    @property
    def ok(self) -> bool:
        return self.error is None and self.audit_failure is None

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "error": self.error,
            "source": self.source if self.error is None else NO_SOURCE,
            "verdict": verdict_of(self),
            "process_clock": self.process_clock,
            "realtime": self.realtime,
            "realtime_file": self.realtime_file,
            "realtime_file_time": self.file_time,
            "kernel_clock": self.kernel_clock,
            "kernel_clock_via": self.kernel_clock_via,
            "file_minus_kernel_seconds": self.file_minus_kernel,
            "realtime_file_read_seconds": self.file_read_seconds,
            "skew_seconds": self.skew,
            "unpatched_request_refused": self.unpatched_refused,
            "libfaketime_preloaded": self.libfaketime_preloaded,
            "vdso_offset_seconds": self.vdso_offset,
            "c_clock_offset_seconds": self.c_clock_offset,
            "fakers": self.fakers,
            "tls": self.tls,
            "tls_stacks": self.tls_stacks,
            "not_reached": self.unreached,
            "native_clients": self.native,
            "botocore_version": self.botocore_version,
            "awscli_version": self.awscli_version,
            "switch_on": self.switch_on,
            "autopatch": self.autopatch,
            "autopatch_problem": self.autopatch_problem,
            "wrap_points": self.wrap_points,
            "endpoint_url": self.endpoint_url,
            "endpoint_clock": self.endpoint_clock,
            "endpoint_minus_real_seconds": self.endpoint_minus_real,
            "correct_skew": self.correct_skew,
            **({} if self.audits is None else {"audit": _audit_json(self.audits)}),
            **(
                {}
                if self.native_audit is None
                else {"native_audit": [dataclasses.asdict(f) for f in self.native_audit]}
            ),
        }


def _audit_json(audits: list[Audit]) -> dict[str, Any]:
    return {"error": audit_report.verdict(audits), "installations": audit_report.as_json(audits)}


def _import_botocore(awscli: bool) -> ModuleType | None:
    """botocore as this process's programs import it, or as the AWS CLI does.

    The AWS CLI v2 vendors botocore and makes ``import botocore`` find it once
    ``awscli`` is imported; a standalone botocore, when there is one, is
    what every other program here uses, so it is asked for first unless the
    AWS CLI is asked about.
    """
    if awscli:
        try:
            importlib.import_module("awscli")
        except ImportError:
            raise CheckError("the AWS CLI is not installed in this Python") from None
    try:
        import botocore
    except ImportError:
        try:
            importlib.import_module("awscli")
            import botocore
        except ImportError:
            return None
    return botocore


def _import_wrap_point_modules(awscli: bool) -> tuple[str | None, str | None]:
    """Import the modules that read the clock, as a program would; botocore's, awscli's versions."""
    botocore = _import_botocore(awscli)
    if botocore is None:
        return None, None
    # The AWS CLI's own modules when it is the program: inside it, or asked about.
    inside_awscli = "awscli" in sys.modules
    for name in integrations.MODULES:
        if name.startswith("awscli.") and not inside_awscli:
            continue
        with contextlib.suppress(ImportError):  # awscrt, aiobotocore, awscli's module is not here
            importlib.import_module(name)
    cli = sys.modules.get("awscli")
    return str(botocore.__version__), None if cli is None else getattr(cli, "__version__", None)


def _endpoint_date(url: str) -> float:
    """The ``Date`` of the answer to one unsigned GET of ``url``, as seconds."""
    request = urllib.request.Request(url, method="GET")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            date = response.headers.get("Date")
    except urllib.error.HTTPError as error:  # a refusal tells the time too
        date = error.headers.get("Date")
        error.close()
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise CheckError(f"cannot reach the endpoint {url}: {error}") from None
    if date is None:
        raise CheckError(f"the endpoint {url} sent no Date header")
    try:
        return email.utils.parsedate_to_datetime(date).timestamp()
    except (TypeError, ValueError) as error:
        raise CheckError(f"the endpoint {url} sent a Date it is not: {date!r}") from error


class CheckError(Exception):
    """What makes ``check`` fail, in one line."""


def _real_time_source(report: Report, kernel: KernelClock) -> None:
    """Where the real time comes from, read right after the process clock and the kernel's,
    before the slower checks (imports of native clients among them take seconds under load);
    the file bracketed by kernel readings, as the library judges it."""
    report.realtime_file = clock.realtime_path()
    if report.realtime_file is not None:
        read_kernel = kernel.read or (lambda: None)
        report.kernel_before_file = read_kernel()
        try:
            report.file_time = clock.read_realtime(report.realtime_file)
        except clock.RealtimeError as error:
            report.error = str(error)
            return
        finally:
            report.kernel_after_file = read_kernel()
        if report.file_agrees:
            report.source, report.realtime = KERNEL_CLOCK_CHECKED, report.kernel_clock
        else:
            report.source, report.realtime = REALTIME_FILE, report.file_time
    elif report.kernel_clock is not None:
        report.source, report.realtime = KERNEL_CLOCK, report.kernel_clock
    else:
        report.error = (
            f"no source of the real time: {clock.ENV_VAR} is not set and the kernel clock "
            f"cannot be read ({kernel.via}); botocore would sign with the process clock"
        )


def run(endpoint_url: str | None = None, awscli: bool = False, audit: bool = False) -> Report:
    if audit:
        # First, and from the source alone: what is installed, imported or not.
        audits = installed()
    botocore_version, awscli_version = _import_wrap_point_modules(awscli)
    kernel = clock.kernel_clock()
    # The clocks last, back to back, so that they can be compared.
    report = Report(process_clock=time.time())
    report.kernel_clock_via = kernel.via
    report.kernel_clock = None if kernel.read is None else kernel.read()
    _real_time_source(report, kernel)
    report.botocore_version = botocore_version
    report.awscli_version = awscli_version
    report.libfaketime_preloaded = libfaketime.mapped()
    _fakers(report, kernel)
    c_faked = report.libfaketime_preloaded or (
        report.c_clock_offset is not None and abs(report.c_clock_offset) > process.FAKED_BEYOND
    )
    report.tls = _tls(c_faked)
    report.tls_stacks = _tls_stacks(c_faked)
    report.unreached = _unreached()
    report.native = _native(report.libfaketime_preloaded, c_faked, report.vdso_offset is not None)
    report.autopatch, report.autopatch_problem = _autopatch_setting()
    report.switch_on = SWITCH.on
    report.wrap_points = [
        {"module": s.point.module, "name": s.point.name, "reads": s.point.reads, "status": s.status}
        for s in wrapping.statuses(integrations.WRAP_POINTS)
    ]
    report.correct_skew = endpoint_offsets.enabled()
    if audit:
        report.audits = audits
        report.native_audit = audit_native.findings()
    if endpoint_url is not None and report.error is None:
        report.endpoint_url = endpoint_url
        try:
            report.endpoint_clock = _endpoint_date(endpoint_url)
        except CheckError as error:
            report.error = str(error)
            return report
        real = clock.now()
        if real is not None:
            report.endpoint_minus_real = report.endpoint_clock - real
    _judge_the_file(report)
    return report


def _judge_the_file(report: Report) -> None:
    """A realtime file further from the kernel clock than AWS's tolerance: every request is
    signed by the file and refused, unless the endpoint's clock agrees with the file."""
    difference = report.file_minus_kernel
    if report.error is not None or difference is None or abs(difference) <= SKEW_LIMIT:
        return
    if (
        report.endpoint_clock is not None
        and report.file_time is not None
        and abs(report.endpoint_clock - report.file_time) <= SKEW_LIMIT
    ):
        return
    assert report.file_time is not None
    assert report.kernel_after_file is not None
    report.error = (
        f"the realtime file says {_when(report.file_time)} and the kernel clock "
        f"{_when(report.kernel_after_file)}: {difference:+.0f} s apart, more than AWS's "
        f"{SKEW_LIMIT:.0f} s. Signatures follow the file, and AWS refuses them if the kernel "
        "clock is right (--endpoint-url shows which one the endpoint agrees with)"
    )


def _autopatch_setting() -> tuple[bool, str | None]:
    """What the start-up hook makes of the variable, as it says it."""
    value = os.environ.get(AUTOPATCH, "")
    try:
        setting = importlib.import_module("_libfaketimefs_botocore_autopatch").setting
    except (ImportError, AttributeError):
        return False, "its start-up hook is missing or from another release: reinstall the package"
    on, problem = setting(value)
    return bool(on), problem


def verdict_of(report: Report) -> str:
    """The answer, in one line: will AWS accept what this environment's programs sign?"""
    if report.error is not None:
        return f"FAILED: AWS would not get a signature with the real time: {report.error}"
    refused = report.unpatched_refused
    on = report.autopatch or report.switch_on
    if refused is None:
        return "unknown: no source of the real time to compare the clock with"
    if not refused:
        return (
            f"fine: the clock here is within {SKEW_LIMIT:.0f} s of the real time; "
            "AWS accepts what is signed here, with or without the library"
        )
    if on:
        how = f"{AUTOPATCH} is on" if report.autopatch else "the library is on in this process"
        return (
            f"fine: the clock here is {report.skew:+.0f} s off, and AWS signers sign with the "
            f"real time ({how})"
        )
    return (
        f"NOT ON: the clock here is {report.skew:+.0f} s off the real time and the library is "
        "off: AWS refuses every request that programs started with this environment sign, "
        f"unless they import libfaketimefs_botocore.patch. Turn it on: {AUTOPATCH}=1 in the "
        "environment, or `import libfaketimefs_botocore.patch` first in the program"
    )


def _fakers(report: Report, kernel: KernelClock) -> None:
    """What fakes this process's clocks, each measured against the kernel's system call."""
    report.vdso_offset = kernel.vdso_offset
    c_now = process.c_clock()
    real = None if kernel.read is None else kernel.read()
    if c_now is not None and real is not None:
        report.c_clock_offset = c_now - real
    if report.libfaketime_preloaded:
        report.fakers.append("libfaketime, preloaded (C code's clock)")
    if report.vdso_offset is not None:
        report.fakers.append(
            f"a vDSO faker (TimeChaos and the like): the vDSO is {report.vdso_offset:+.0f} s "
            "from the kernel's system call, which answers instead"
        )
    c_offset = report.c_clock_offset
    if c_offset is not None and abs(c_offset) > process.FAKED_BEYOND:
        report.fakers.append(
            f"the C clock (OpenSSL's, native code's) is {c_offset:+.0f} s from the kernel's"
        )
    if c_now is not None and abs(report.process_clock - c_now) > process.FAKED_BEYOND:
        report.fakers.append(
            "Python's clock, faked inside this process (freezegun, time-machine): "
            f"{report.process_clock - c_now:+.0f} s from the C clock"
        )


def _tls(c_faked: bool) -> str:
    """How OpenSSL judges the certificates of the endpoints the AWS signers sign for."""
    if not c_faked:
        return f"the process clock, not faked for C code here ({ssl.OPENSSL_VERSION})"
    from libfaketimefs_botocore.tls import handshake

    why_not = handshake.unavailable()
    if why_not is not None:
        return f"the FAKED process clock: {why_not}"
    return (
        f"the real time, {ssl.OPENSSL_VERSION}, for the hosts signed for "
        "(other hosts: the process clock)"
    )


def _tls_stacks(c_faked: bool) -> list[str]:
    """How the HTTPS stacks besides ``ssl``'s own, where installed, are judged."""
    stacks = []
    if _installed_version("truststore") is not None:
        stacks.append(
            "truststore: as ssl's own, injected or not (its connections are the standard library's)"
        )
    if _installed_version("pyOpenSSL") is not None:
        if not c_faked:
            stacks.append("pyOpenSSL: the process clock, not faked for C code here")
        else:
            from libfaketimefs_botocore.tls import pyopenssl

            why_not = pyopenssl.unavailable()
            stacks.append(
                "pyOpenSSL: the real time, through its bindings, for the hosts signed for"
                if why_not is None
                else f"pyOpenSSL: the FAKED process clock: {why_not}"
            )
    return stacks


def _native(libfaketime_preloaded: bool, c_faked: bool, vdso_faked: bool) -> list[str]:
    """Each native client installed, and whether its objects' clock imports are redirected:
    under libfaketime, tried here as the library does for good (its module imported); under
    another faker of the C clock (a vDSO faker, or one this does not know), named as not
    reached, with the reason that holds."""
    from libfaketimefs_botocore.native import redirection, scan

    lines = []
    for integration, native in integrations.NATIVE:
        top = native.module.split(".")[0]
        if importlib.util.find_spec(top) is None:
            continue
        if not libfaketime_preloaded and c_faked:
            why = (
                "the C clock is faked in the vDSO, which the C library's own functions read too "
                "(a second namespace's as well): no function makes the system call in their place"
                if vdso_faked
                else "the C clock is faked, and not by libfaketime nor in the vDSO: the library "
                "does not know how, so it writes nothing"
            )
            lines.append(f"{integration}: NOT REACHED: {why}")
            continue
        if not libfaketime_preloaded:
            lines.append(f"{integration}: not needed here (the C clock is not faked)")
            continue
        try:
            importlib.import_module(native.module)
        except Exception as error:  # noqa: BLE001 - reported, as the import would fail anyway
            lines.append(f"{integration}: {native.module} does not import: {error}")
            continue
        with warnings.catch_warnings():  # the reason is in the status, shown below
            warnings.simplefilter("ignore", redirection.NativeClockWarning)
            redirection.apply(((integration, native),))
        if integration in redirection.statuses:
            lines.append(f"{integration}: {redirection.statuses[integration]}")
            continue
        done = {os.path.basename(r.path): r.symbols for r in redirection.redirections()}
        names = [os.path.basename(o.path) for o in scan.objects_of(native.packages)]
        shown = [name for name in names if name in redirection.statuses]
        for name in shown:
            status = redirection.statuses[name]
            if name in done:
                status += f" ({', '.join(done[name])})"
            if status == redirection.HOOKED:
                status += (
                    "; a dlopen from a native thread waits for the GIL: a deadlock where the "
                    "thread that holds it waits for that one (docs: limitations)"
                )
            lines.append(f"{integration}: {name}: {status}")
        if not shown:
            lines.append(f"{integration}: no loaded object of it imports a faked clock function")
    if redirection.cost.passes:
        lines.append(
            f"cost in this process: {redirection.cost.passes} passes after imports, "
            f"{redirection.cost.maps_reads} reads of /proc/self/maps, "
            f"{redirection.cost.seconds * 1e3:.0f} ms in all"
        )
    return lines


def _unreached() -> list[str]:
    """What is installed here and keeps the process clock where nothing reaches it."""
    found = []
    for entry in integrations.UNREACHED:
        version = _installed_version(entry.distribution)
        if version is None or _major(version) < entry.from_major:
            continue
        found.append(f"{entry.distribution} {version}: {entry.what}: {entry.why}")
    return found


def _installed_version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _major(version: str) -> int:
    head = version.split(".")[0]
    return int(head) if head.isdigit() else 0


def _when(seconds: float) -> str:
    moment = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _seconds(seconds: float) -> str:
    return f"{_when(seconds)} ({seconds:.3f})"


def render(report: Report, verbose: bool = False) -> str:
    lines = [verdict_of(report), ""]
    if report.autopatch_problem is not None:
        lines.append(f"autopatch:         {report.autopatch_problem}")
    lines.append(f"process clock:     {_seconds(report.process_clock)}")
    if report.kernel_clock is not None:
        lines.append(
            f"kernel clock:      {_seconds(report.kernel_clock)} via {report.kernel_clock_via}"
        )
    else:
        lines.append(f"kernel clock:      unavailable: {report.kernel_clock_via}")
    lines.append(f"fakers seen:       {'; '.join(report.fakers) or 'none'}")
    if report.realtime_file is None:
        lines.append(f"realtime file:     {clock.ENV_VAR} is not set")
    elif report.file_time is None:
        lines.append(f"realtime file:     {clock.ENV_VAR}={report.realtime_file}: unreadable")
    else:
        lines.append(
            f"realtime file:     {_seconds(report.file_time)} "
            f"from {clock.ENV_VAR}={report.realtime_file}"
        )
        difference = report.file_minus_kernel
        if difference is not None:
            verdict = "agree" if report.file_agrees else "DISAGREE"
            lines.append(
                f"file vs kernel:    {verdict} (file minus kernel clock: {difference:+.3f} s, "
                f"limit {clock.AGREEMENT:.0f} s)"
            )
    if report.error is None:
        lines.append(f"botocore signs by: the {report.source}")
    else:
        lines.append("botocore signs by: nothing: it raises instead (see below)")
    skew = report.skew
    if skew is not None:
        lines.append(f"skew:              {skew:+.1f} s (process clock minus real time)")
        verdict = (
            f"REFUSED (more than {SKEW_LIMIT:.0f} s off)"
            if report.unpatched_refused
            else f"accepted (within {SKEW_LIMIT:.0f} s)"
        )
        lines.append(f"unpatched request: AWS would say {verdict}")
    lines.append(
        f"libfaketime:       {'preloaded' if report.libfaketime_preloaded else 'not preloaded'}"
    )
    lines.append(f"TLS certificates:  {report.tls}")
    lines.extend(f"  {stack}" for stack in report.tls_stacks)
    lines.append(f"botocore:          {report.botocore_version or 'not installed'}")
    if report.awscli_version is not None:
        lines.append(f"AWS CLI:           {report.awscli_version}")
    lines.append(
        f"autopatch:         {'on' if report.autopatch else 'off'} "
        f"({AUTOPATCH}=1 turns it on in programs started with this environment)"
    )
    lines.append(f"switch:            {'on' if report.switch_on else 'off'} in this process")
    if report.endpoint_url is not None and report.endpoint_clock is not None:
        lines.append(f"endpoint:          {report.endpoint_url}")
        lines.append(f"endpoint clock:    {_seconds(report.endpoint_clock)} (its Date header)")
        difference = report.endpoint_minus_real
        if difference is not None:
            lines.append(f"endpoint vs real:  {_endpoint_verdict(report, difference)}")
    lines.append("clock reads of botocore and the other AWS signers, in this process:")
    shown = [
        point
        for point in report.wrap_points
        if verbose or point["status"] != "not imported" or _installed(point["module"])
    ]
    for point in shown:
        lines.append(f"  {point['status']:<20} {point['module']}.{point['name']}: {point['reads']}")
    if len(shown) < len(report.wrap_points):
        lines.append(
            f"  (and {len(report.wrap_points) - len(shown)} of libraries not installed here: "
            "--verbose lists them)"
        )
    if report.native:
        lines.append("native clients (their clock imports pointed at the C library's own):")
        lines.extend(f"  {line}" for line in report.native)
    if report.unreached:
        lines.append("not reached (see the limitations in the manual):")
        lines.extend(f"  {line}" for line in report.unreached)
    if report.audits is not None:
        lines.append(audit_report.render(report.audits))
        lines.extend(audit_native.render(report.native_audit or []))
    return "\n".join(lines)


def _endpoint_verdict(report: Report, difference: float) -> str:
    said = f"{difference:+.1f} s (the Date header has whole seconds)"
    if abs(difference) <= endpoint_offsets.LEARN_BEYOND:
        return f"agree: {said}"
    if report.correct_skew:
        return (
            f"DISAGREE: {said}; the first signed request to it will be refused once, "
            "then sent again signed by its clock"
        )
    return (
        f"DISAGREE: {said}; every signed request to it will be refused "
        f"({endpoint_offsets.ENV_VAR}=0)"
    )


def _installed(module: str) -> bool:
    top = module.partition(".")[0]
    if top in sys.modules:
        return True
    try:
        return importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):
        return False


def main(
    as_json: bool,
    endpoint_url: str | None = None,
    awscli: bool = False,
    audit: bool = False,
    verbose: bool = False,
) -> int:
    """The report on stdout, the failure (if any) again on stderr, in its last line: 1."""
    try:
        report = run(endpoint_url, awscli, audit)
    except CheckError as error:
        if as_json:
            _say(json.dumps({"ok": False, "error": str(error)}, indent=2))
        print(f"FAILED: {error}", file=sys.stderr)
        return 1
    _say(json.dumps(report.as_json(), indent=2) if as_json else render(report, verbose))
    if report.error is not None:
        print(f"FAILED: {report.error}", file=sys.stderr)
        return 1
    failure = report.audit_failure
    if failure is not None:
        print(f"{audit_report.WHAT_UNKNOWN_MEANS}\nFAILED: {failure}", file=sys.stderr)
        return 1
    return 0


def _say(text: str) -> None:
    """Print, quietly stopping where the reader closed the pipe (``check | head -2``)."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        # Python would complain again at exit, flushing into the closed pipe.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
