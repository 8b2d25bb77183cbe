"""Directives that render the docs' tables and outputs from the code, so they cannot drift.

- ``wrap-points``: every wrap point, table by table, from ``wrap_points.TABLES``;
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
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from libfaketimefs_botocore import wrap_points
from libfaketimefs_botocore.audit import on_purpose


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("*", "\\*")


def _list_table(title: str, header: list[str], rows: list[list[str]], widths: str) -> list[str]:
    lines = [f".. list-table:: {title}", "   :header-rows: 1", f"   :widths: {widths}", ""]
    for row in [header, *rows]:
        first, *rest = row
        lines.append(f"   * - {first}")
        lines.extend(f"     - {cell}" for cell in rest)
    return lines


def _stand_in(point: wrap_points.WrapPoint) -> str:
    replacement: Any = point.replacement
    return f"``{replacement.__module__.rsplit('.', 1)[-1]}.{replacement.__qualname__}``"


class _Generated(Directive):
    def lines(self) -> list[str]:
        raise NotImplementedError

    def run(self) -> list[nodes.Node]:
        container = nodes.container()
        self.state.nested_parse(StringList(self.lines(), source="generated"), 0, container)
        return list(container.children)


def _table_names() -> dict[int, str]:
    return {
        id(value): name for name, value in vars(wrap_points).items() if value in wrap_points.TABLES
    }


class WrapPoints(_Generated):
    def lines(self) -> list[str]:
        names = _table_names()
        rows = []
        for table in wrap_points.TABLES:
            for point in table:
                era = (
                    f" (unless the module binds ``{point.unless_binds}``)"
                    if point.unless_binds
                    else ""
                )
                rows.append(
                    [
                        f"``{names[id(table)]}``",
                        f"``{point.module}``",
                        f"``{point.name}``{era}",
                        _cell(point.reads),
                        _stand_in(point),
                    ]
                )
        header = ["table", "module", "binding wrapped", "what it reads or decides", "stand-in"]
        return _list_table(
            f"{len(wrap_points.WRAP_POINTS)} wrap points in {len(wrap_points.TABLES)} tables",
            header,
            rows,
            "12 20 20 36 12",
        )


class OnPurpose(_Generated):
    def lines(self) -> list[str]:
        rows = [
            [
                f"``{entry.module}``",
                f"``{entry.function}``",
                f"``{entry.call}``",
                _cell(entry.reason),
            ]
            for entry in on_purpose.ON_PURPOSE
        ]
        return _list_table(
            f"{len(rows)} reads left on the process clock",
            ["module", "function", "call", "why"],
            rows,
            "20 20 15 45",
        )


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
        shown = " ".join(
            [
                "$ LIBFAKETIMEFS_BOTOCORE_AUTOPATCH=1 faketime -f '+400d'",
                "libfaketimefs-botocore check",
            ]
            + self.arguments
        )
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
