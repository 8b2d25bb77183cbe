"""The command line: ``libfaketimefs-botocore check [--json] [--endpoint-url URL]``."""

from __future__ import annotations

import argparse
import sys

from libfaketimefs_botocore import __version__


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="libfaketimefs-botocore",
        description="Sign botocore requests with the real time under libfaketime.",
    )
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "check",
        help="show the clocks and whether AWS would accept what botocore signs here",
        description="Exits 1, with the reason on the last line, when the realtime file is "
        "set but unreadable or malformed, when there is no source of the real time, or "
        "when the endpoint asked about cannot be reached or does not say its time.",
    )
    check.add_argument("--json", action="store_true", help="print a JSON document")
    check.add_argument(
        "--endpoint-url",
        metavar="URL",
        help="send one unsigned GET to URL and compare its Date header with the real time "
        "(without it, check sends nothing)",
    )
    arguments = parser.parse_args(argv)

    from libfaketimefs_botocore import check as check_command

    return check_command.main(as_json=arguments.json, endpoint_url=arguments.endpoint_url)


if __name__ == "__main__":
    sys.exit(main())
