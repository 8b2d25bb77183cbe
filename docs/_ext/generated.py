"""Directives that render the docs' tables and outputs from the code, so they cannot drift.

- ``wrap-points``: every wrap point, integration by integration (``integrations.INTEGRATIONS``);
- ``on-purpose``: every clock read left on the process clock, with its reason;
- ``check-output``: ``libfaketimefs-botocore check`` run at build time under
  libfaketime (``FAKETIME=+400d``), its output as printed.
"""

from __future__ import annotations

import glob
import os
import subprocess
import sys
from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from libfaketimefs_botocore import integrations
from libfaketimefs_botocore.audit import on_purpose
from libfaketimefs_botocore.points import WrapPoint

# A cell is text in which `backquoted` parts are code.
Cell = str


def _cell(text: Cell) -> nodes.entry:
    paragraph = nodes.paragraph()
    for i, part in enumerate(text.split("`")):
        if part:
            paragraph += nodes.literal(text=part) if i % 2 else nodes.Text(part)
    return nodes.entry("", paragraph)


def _table(
    title: str, header: list[Cell], rows: list[list[Cell]], widths: list[int]
) -> nodes.table:
    table = nodes.table()
    table += nodes.title(text=title)
    group = nodes.tgroup(cols=len(header))
    table += group
    group.extend(nodes.colspec(colwidth=width) for width in widths)
    head = nodes.thead()
    head += nodes.row("", *(_cell(text) for text in header))
    body = nodes.tbody()
    body.extend(nodes.row("", *(_cell(text) for text in row)) for row in rows)
    group += head
    group += body
    return table


def _stand_in(point: WrapPoint) -> str:
    stand_in: Any = point.stand_in
    return f"`{stand_in.__module__.rsplit('.', 1)[-1]}.{stand_in.__qualname__}`"


class WrapPoints(Directive):
    def run(self) -> list[nodes.Node]:
        rows = []
        for integration in integrations.INTEGRATIONS:
            name = integration.__name__.rsplit(".", 1)[-1]
            for point in integration.WRAP_POINTS:
                era = (
                    f" (unless the module binds `{point.unless_binds}`)"
                    if point.unless_binds
                    else ""
                )
                rows.append(
                    [
                        f"`{name}`",
                        f"`{point.module}`",
                        f"`{point.name}`{era}",
                        point.reads.replace("`", "'"),
                        _stand_in(point),
                    ]
                )
        with_points = [i for i in integrations.INTEGRATIONS if i.WRAP_POINTS]
        title = f"{len(integrations.WRAP_POINTS)} wrap points of {len(with_points)} integrations"
        header = [
            "integration",
            "module",
            "binding wrapped",
            "what it reads or decides",
            "stand-in",
        ]
        return [_table(title, header, rows, [12, 20, 20, 36, 12])]


class OnPurpose(Directive):
    def run(self) -> list[nodes.Node]:
        rows = [
            [f"`{entry.module}`", f"`{entry.function}`", f"`{entry.call}`", entry.reason]
            for entry in on_purpose.ON_PURPOSE
        ]
        title = f"{len(rows)} reads left on the process clock"
        return [_table(title, ["module", "function", "call", "why"], rows, [20, 20, 15, 45])]


def _libfaketime() -> str:
    found = sorted(glob.glob("/usr/lib/*/faketime/libfaketime.so.1"))
    if not found:
        raise ExtensionError("check-output needs libfaketime: apt-get install libfaketime")
    return found[0]


class CheckOutput(Directive):
    """``check`` and its arguments.

    ``:from: TEXT`` starts at the first line that starts with TEXT (after an
    ellipsis); ``:head: N`` shows N lines, then an ellipsis.
    """

    optional_arguments = 4
    option_spec = {"head": int, "from": str}  # noqa: RUF012 - docutils reads it from the class

    def run(self) -> list[nodes.Node]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("FAKETIME", "LD_PRELOAD", "LIBFAKETIMEFS_BOTOCORE"))
        }
        env.update(
            LD_PRELOAD=_libfaketime(), FAKETIME="+400d", LIBFAKETIMEFS_BOTOCORE_AUTOPATCH="1"
        )
        command = [sys.executable, "-m", "libfaketimefs_botocore", "check", *self.arguments]
        try:
            result = subprocess.run(
                command, env=env, capture_output=True, text=True, timeout=120, check=False
            )
        finally:
            _remove_libfaketime_leftovers()
        if result.returncode != 0:
            raise ExtensionError(f"check failed ({result.returncode}): {result.stderr}")
        command_line = "$ LIBFAKETIMEFS_BOTOCORE_AUTOPATCH=1 faketime -f '+400d'"
        shown = " ".join([command_line, "libfaketimefs-botocore check", *self.arguments])
        output = result.stdout.rstrip("\n").split("\n")
        start = self.options.get("from")
        if start is not None:
            first = next(i for i, line in enumerate(output) if line.startswith(start))
            output = ["...", *output[first:]]
        head = self.options.get("head")
        if head is not None and len(output) > head:
            output = [*output[: head + (start is not None)], "..."]
        block = nodes.literal_block(text="\n".join([shown, *output]))
        block["language"] = "console"
        return [block]


def _remove_libfaketime_leftovers() -> None:
    # Debian's libfaketime leaves a shared-memory segment per faked process;
    # the child is gone, so whatever of it is left is unowned.
    for path in glob.glob("/dev/shm/faketime_shm_*") + glob.glob("/dev/shm/sem.faketime_sem_*"):
        pid = path.rsplit("_", 1)[-1]
        if pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
            os.unlink(path)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("wrap-points", WrapPoints)
    app.add_directive("on-purpose", OnPurpose)
    app.add_directive("check-output", CheckOutput)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
