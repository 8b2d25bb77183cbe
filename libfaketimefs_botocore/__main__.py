"""The command line: ``libfaketimefs-botocore check`` and ``libfaketimefs-botocore awscli``."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import urllib.parse
from typing import NoReturn

from libfaketimefs_botocore import __version__

_AWSCLI_FIRST = "LIBFAKETIMEFS_BOTOCORE_CHECK_AWSCLI_FIRST"

# This package imports botocore; the AWS CLI v2 makes `botocore` its own
# vendored copy only if it is imported first, as `aws` does.
_AWSCLI_FIRST_CODE = """
import contextlib, sys
with contextlib.suppress(ImportError):
    import awscli
from libfaketimefs_botocore.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


def _check_with_awscli_first(argv: list[str] | None) -> int:
    """``check --awscli`` in a fresh interpreter that imports the AWS CLI first."""
    arguments = sys.argv[1:] if argv is None else argv
    # No timeout: under libfaketime a timed wait may never end.
    return subprocess.run(
        [sys.executable, "-c", _AWSCLI_FIRST_CODE, *arguments],
        env={**os.environ, _AWSCLI_FIRST: "1"},
        check=False,
    ).returncode


class _Parser(argparse.ArgumentParser):
    """A usage error is one line on stderr and exit 2, with no usage block or traceback."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _endpoint_url(value: str) -> str:
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not an http:// or https:// URL with a host (for example "
            "https://s3.us-east-1.amazonaws.com)"
        )
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{value!r}: {error}") from None
    return value


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(
        prog="libfaketimefs-botocore",
        description="Sign botocore requests with the real time under libfaketime.",
    )
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="{check,awscli}", parser_class=_Parser
    )
    check = commands.add_parser(
        "check",
        help="show the clocks and whether AWS would accept what botocore signs here",
        description="Its first line is the verdict. Exits 1, with the reason on stderr, when "
        "the realtime file is set but unreadable, malformed or further from the kernel clock "
        "than AWS allows, when there is no source of the real time, when the endpoint asked "
        "about cannot be reached or does not say its time, or, with --audit, when a clock "
        "read of the installed AWS libraries reaches no wrap point.",
    )
    check.add_argument("--json", action="store_true", help="print a JSON document")
    check.add_argument(
        "--endpoint-url",
        metavar="URL",
        type=_endpoint_url,
        help="send one unsigned GET to URL and compare its Date header with the real time "
        "(without it, check sends nothing)",
    )
    check.add_argument(
        "--verbose",
        action="store_true",
        help="list the clock reads of the libraries that are not installed here too",
    )
    check.add_argument(
        "--awscli",
        action="store_true",
        help="ask about the AWS CLI installed in this Python (v2 vendors its own botocore)",
    )
    check.add_argument(
        "--audit",
        action="store_true",
        help="read the installed source of botocore, boto3, s3transfer, aiobotocore and the "
        "AWS CLI, list every clock read and whether a wrap point reaches it; exit 1 when one "
        "is unknown",
    )
    awscli = commands.add_parser(
        "awscli",
        help="print how to turn real-time signing on in an AWS CLI (v1, v2 from source, "
        "v2's frozen binary)",
        description="Reads what the aws is (its --version, its first line) and prints the "
        "set-up that fits it. Changes nothing unless --apply is given, and then only the "
        "[plugins] section of the AWS config, through `aws configure set`. Exits 1, with the "
        "reason on the last line, when it cannot tell or apply the set-up.",
    )
    awscli.add_argument(
        "--aws", metavar="PATH", help="the aws to set up (default: the one on PATH)"
    )
    awscli.add_argument(
        "--target",
        metavar="DIR",
        help="the plugin folder for the frozen binary (default: beside the AWS config, "
        "one per Python version)",
    )
    awscli.add_argument(
        "--package",
        metavar="SPEC",
        default=None,
        help="what pip installs for this package: a requirement, a wheel or a folder "
        "(default: this version from the package index)",
    )
    awscli.add_argument(
        "--apply",
        action="store_true",
        help="set the plugin lines in the AWS config, then run the check inside the aws",
    )
    arguments = parser.parse_args(argv)

    if arguments.command == "awscli":
        from libfaketimefs_botocore import awscli_setup

        return awscli_setup.main(
            aws=arguments.aws,
            target=arguments.target,
            package=arguments.package or awscli_setup.PACKAGE,
            apply_it=arguments.apply,
        )

    if arguments.awscli and os.environ.get(_AWSCLI_FIRST) != "1":
        return _check_with_awscli_first(argv)

    from libfaketimefs_botocore import check as check_command

    return check_command.main(
        as_json=arguments.json,
        endpoint_url=arguments.endpoint_url,
        awscli=arguments.awscli,
        audit=arguments.audit,
        verbose=arguments.verbose,
    )


if __name__ == "__main__":
    sys.exit(main())
