"""The audit as ``check --audit`` prints it: text for people, JSON for machines."""

from __future__ import annotations

from collections.abc import Sequence

from libfaketimefs_botocore.audit import (
    ON_PURPOSE,
    REACHED,
    THROUGH_USES,
    UNKNOWN,
    Audit,
    Finding,
)

STATUSES = (UNKNOWN, REACHED, ON_PURPOSE, THROUGH_USES)

WHAT_UNKNOWN_MEANS = (
    "An unknown read is a place where this installation reads the process clock and no "
    "wrap point of this libfaketimefs-botocore answers it with the real time: if it signs "
    "a request or judges an expiry, it does so with the fake time under a faked clock. "
    "Upgrade libfaketimefs-botocore; if its newest release still reports the read, pin "
    "the package named to the last release that audits clean and report the read with "
    "this output (--json)."
)


def verdict(audits: Sequence[Audit]) -> str | None:
    """The failure, in one line, or None when no read is unknown."""
    unknown = [
        f"{audit.shown(f.read.path)}:{f.read.line}" for audit in audits for f in audit.unknown
    ]
    unparsed = [audit.shown(path) for audit in audits for path in audit.unreadable]
    if unparsed:
        return f"{len(unparsed)} file(s) that name a clock could not be parsed: " + ", ".join(
            unparsed
        )
    if unknown:
        return f"{len(unknown)} clock read(s) reach no wrap point: " + ", ".join(unknown)
    return None


def render(audits: Sequence[Audit]) -> str:
    if not audits:
        return "audit:             none of botocore, boto3, s3transfer, aiobotocore, awscli here"
    lines = []
    for audit in audits:
        versions = ", ".join(f"{name} {version}" for name, version in audit.versions.items())
        counts = ", ".join(f"{len(audit.by_status(status))} {status}" for status in STATUSES)
        lines += [
            f"audit of {audit.title}: {versions}",
            f"  {audit.files} files read, {audit.parsed} name a clock and were parsed, "
            f"in {audit.seconds:.2f} s",
            f"  wall-clock reads: {counts}; durations (monotonic clocks): {len(audit.durations)}",
        ]
        for status in STATUSES:
            findings = audit.by_status(status)
            if findings:
                lines.append(f"  {status.upper() if status == UNKNOWN else status}:")
                lines += _findings(audit, findings, status)
        for path in audit.unreadable:
            lines.append(f"  NOT PARSED (not Python this interpreter reads): {audit.shown(path)}")
    return "\n".join(lines)


def _findings(audit: Audit, findings: Sequence[Finding], status: str) -> list[str]:
    lines = []
    last_why = None
    for finding in findings:
        read = finding.read
        lines.append(
            f"    {audit.shown(read.path)}:{read.line} in {read.function}: {read.source}"
            + (f" [{read.use}]" if read.use != "call" else "")
        )
        # Reasons repeat for reads of one kind: said once for a run of them.
        if status == UNKNOWN or finding.why != last_why:
            lines.append(f"      {finding.why}")
        last_why = finding.why
    return lines


def as_json(audits: Sequence[Audit]) -> list[dict[str, object]]:
    return [
        {
            "title": audit.title,
            "versions": audit.versions,
            "roots": {package.name: str(package.root) for package in audit.packages},
            "files": audit.files,
            "parsed": audit.parsed,
            "seconds": audit.seconds,
            "counts": {status: len(audit.by_status(status)) for status in STATUSES},
            "findings": [finding.as_json() for finding in audit.findings],
            "durations": [
                {"module": d.module, "file": d.path, "line": d.line, "call": d.call}
                for d in audit.durations
            ],
            "unreadable": list(audit.unreadable),
        }
        for audit in audits
    ]
