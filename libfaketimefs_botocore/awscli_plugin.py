"""The AWS CLI's plugin: real-time signing in ``aws``, v1 and v2, frozen binary too.

The CLI imports the modules named in its config's ``[plugins]`` section and
calls their ``awscli_initialize``. The AWS CLI v2 only imports them when
``cli_legacy_plugin_path`` is set, and appends that folder to ``sys.path``,
which is how its frozen binary, with a Python of its own, finds this package
and wrapt (their pure-Python code serves when wrapt's C extension was built
for another Python)::

    [plugins]
    cli_legacy_plugin_path = /path/to/folder    (v2 only)
    libfaketimefs_botocore = libfaketimefs_botocore.awscli_plugin

``libfaketimefs-botocore awscli`` prints these lines for the ``aws`` on PATH.
The plugin also adds ``aws libfaketimefs-botocore-check``: ``check`` run
inside the CLI, on its own botocore.
"""

from __future__ import annotations

from typing import Any, ClassVar

from libfaketimefs_botocore.signing import patch_botocore

MODULE = __name__
PLUGIN_NAME = "libfaketimefs_botocore"
CHECK_COMMAND = "libfaketimefs-botocore-check"


def awscli_initialize(cli: Any) -> None:
    """Called by the AWS CLI with its event emitter, before it builds its commands."""
    patch_botocore()
    cli.register("building-command-table.main", _add_check_command)


def _add_check_command(command_table: dict[str, Any], session: Any, **kwargs: Any) -> None:
    command_table[CHECK_COMMAND] = _check_command_class()(session)


def _check_command_class() -> type:
    # awscli is imported only here: this module is imported by the CLI, and
    # its tests import it without one.
    from awscli.customizations.commands import BasicCommand  # type: ignore[import-not-found]

    class CheckCommand(BasicCommand):  # type: ignore[misc]
        NAME = CHECK_COMMAND
        DESCRIPTION = (
            "Shows the clocks and whether AWS would accept what this AWS CLI signs "
            "(libfaketimefs-botocore's check, run inside the CLI). Exits 1 when there is no "
            "source of the real time or the realtime file is broken. With the global "
            "--endpoint-url, also compares that endpoint's clock with the real time."
        )
        ARG_TABLE: ClassVar[list[dict[str, str]]] = [
            {"name": "json", "action": "store_true", "help_text": "Print a JSON document."},
        ]

        def _run_main(self, parsed_args: Any, parsed_globals: Any) -> int:
            from libfaketimefs_botocore import check

            endpoint_url = getattr(parsed_globals, "endpoint_url", None)
            return check.main(as_json=parsed_args.json, endpoint_url=endpoint_url, awscli=True)

    return CheckCommand
