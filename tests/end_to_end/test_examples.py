"""Every example in the README and the docs runs, against the local endpoint.

A small collector of our own rather than Sybil or pytest-examples: each
block says how it runs in an HTML comment just above it, visible in the
source and not in the rendered page, and the tests need to run it in a
process of its own under libfaketime, which neither tool does:

- ``<!-- example: SETUP -->``: a Python block, run under libfaketime a year
  ahead after SETUP's few lines (``s3``: a boto3 client for the endpoint);
- ``<!-- example: shell -->``: a shell block, run with ``faketime`` and the
  AWS CLI v1 on PATH, ``$ENDPOINT`` set, and a ``my_program.py`` to run;
- ``<!-- example: not run: REASON -->``: a block that cannot run here.

A Python or shell block without one fails the collection.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.harness.endpoint import ACCESS_KEY, SECRET_KEY, Endpoint
from tests.harness.faketime import ROOT, Libfaketime, clean_environment, run_faked

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
RUNNABLE = {"python", "sh", "console", "shell", "bash"}
_BLOCK = re.compile(
    r"(?:<!-- example: (?P<mark>[^\n]*?) -->\n)?```(?P<language>[\w-]*)\n(?P<code>.*?)^```$",
    re.S | re.M,
)

_CLIENT = (
    "import boto3, os\n"
    "from botocore.config import Config\n"
    "s3 = boto3.client('s3', endpoint_url=os.environ['ENDPOINT'], region_name='us-east-1',"
    " config=Config(s3={'addressing_style': 'path'}, retries={'total_max_attempts': 1}))\n"
)
SETUPS = {
    "s3": _CLIENT,
    "ways": _CLIENT,
    "pytest": "import pytest\n",
    "other-signers": (
        "import os\n"
        "access_key = os.environ['AWS_ACCESS_KEY_ID']\n"
        "secret_key = os.environ['AWS_SECRET_ACCESS_KEY']\n"
        "domain = os.environ['ENDPOINT']\n"
    ),
}
MY_PROGRAM = """\
import os, boto3
sts = boto3.client("sts", endpoint_url=os.environ["ENDPOINT"], region_name="us-east-1")
sts.get_caller_identity()
"""


@dataclass(frozen=True)
class Example:
    page: Path
    line: int
    language: str
    mark: str | None
    code: str

    @property
    def id(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def examples() -> list[Example]:
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for match in _BLOCK.finditer(text):
            if match["language"] not in RUNNABLE:
                continue
            line = text.count("\n", 0, match.start("language")) + 1
            found.append(
                Example(
                    page, line, match["language"], match["mark"], textwrap.dedent(match["code"])
                )
            )
    return found


EXAMPLES = examples()


def test_every_block_says_how_it_runs() -> None:
    unmarked = [example.id for example in EXAMPLES if example.mark is None]
    assert unmarked == []
    for example in EXAMPLES:
        mark = example.mark or ""
        if mark.startswith("not run: "):
            assert len(mark) > len("not run: ") + 10, f"{example.id}: say why"
        elif example.language == "python":
            assert mark in SETUPS, f"{example.id}: unknown setup {mark!r}"
        else:
            assert mark == "shell", f"{example.id}: {mark!r}"
    assert sum(example.language == "python" for example in EXAMPLES) >= 5


def _environment(endpoint: Endpoint) -> dict[str, str]:
    return {
        "ENDPOINT": endpoint.url,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_DEFAULT_REGION": "us-east-1",
    }


PYTHON = [
    pytest.param(e, id=e.id)
    for e in EXAMPLES
    if e.language == "python" and not str(e.mark).startswith("not run: ")
]
SHELL = [pytest.param(e, id=e.id) for e in EXAMPLES if e.mark == "shell"]


@pytest.mark.parametrize("example", PYTHON)
def test_python_example_runs_under_libfaketime(
    example: Example, endpoint: Endpoint, tmp_path: Path
) -> None:
    program = tmp_path / "example.py"
    program.write_text(SETUPS[str(example.mark)] + example.code)
    result = run_faked([sys.executable, str(program)], Libfaketime("+400d"), _environment(endpoint))
    assert result.returncode == 0, result.stderr
    # What it sent, the endpoint accepted: a year ahead, only the library makes that so.
    assert all(verdict.accepted for verdict in endpoint.state.verdicts), endpoint.state.verdicts


@pytest.mark.parametrize("example", SHELL)
def test_shell_example_runs(example: Example, endpoint: Endpoint, v1: Path, tmp_path: Path) -> None:
    (tmp_path / "my_program.py").write_text(MY_PROGRAM)
    env = clean_environment()
    env.update(_environment(endpoint))
    # This package's commands and the Python that has it, and the AWS CLI v1 with it beside.
    env["PATH"] = f"{Path(sys.executable).parent}:{v1.parent}:{env['PATH']}"
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", example.code],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert all(verdict.accepted for verdict in endpoint.state.verdicts), endpoint.state.verdicts
