"""``libfaketimefs-botocore awscli``: how to turn real-time signing on in an ``aws``.

Three ways of installing the AWS CLI, three set-ups:

- v1, a Python program (pip): this package in its Python, then the
  autopatch variable, or the plugin;
- v2 from source, also a Python program: the same, the plugin with
  ``cli_legacy_plugin_path``, without which v2 loads no plugin;
- v2's frozen binary (the official installer), with a Python of its own that
  reads no ``.pth``: this package and wrapt in a folder of their own, built
  for that Python, loaded as a plugin.

It reads what it needs from the ``aws`` itself (``aws --version``, the
script's first line) and changes nothing unless asked to (``--apply``), and
then only the ``[plugins]`` section of the AWS config, through ``aws
configure set`` as the printed lines do.
"""

from __future__ import annotations

import configparser
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from libfaketimefs_botocore import __version__
from libfaketimefs_botocore.awscli_plugin import CHECK_COMMAND, MODULE, PLUGIN_NAME

PLUGIN_PATH = "cli_legacy_plugin_path"
AUTOPATCH = "LIBFAKETIMEFS_BOTOCORE_AUTOPATCH"
PACKAGE = f"libfaketimefs-botocore=={__version__}"

V1 = "v1"
V2_SOURCE = "v2 source"
V2_FROZEN = "v2 frozen"

_VERSION_LINE = re.compile(
    # v2 then says how it was installed and for what: exe/x86_64.ubuntu.24
    r"aws-cli/(?P<version>\S+) Python/(?P<python>\d+\.\d+)\S*"
    r"(?: \S+ (?P<source>[\w-]+)/[a-z]\w*\.)?"
)
# How v2 says it was installed, in `aws --version`.
_SOURCES = {
    "exe": "the official installer's",
    "source-exe": "built from source",
}

# Run by the Python of a script-installed aws: where this package is, if it is.
_PROBE = """
import importlib.metadata, importlib.util, json, os, sysconfig
spec = importlib.util.find_spec("libfaketimefs_botocore")
try:
    version = importlib.metadata.version("libfaketimefs-botocore")
except importlib.metadata.PackageNotFoundError:
    version = None
print(json.dumps({
    "purelib": sysconfig.get_paths()["purelib"],
    "package_folder": None if spec is None
        else os.path.dirname(os.path.dirname(spec.origin)),
    "package_version": version,
}))
"""


class SetupError(Exception):
    """What stops ``awscli`` from telling or applying the set-up, in one line."""


@dataclass(frozen=True)
class AwsCli:
    """An ``aws`` as found: what it is and what runs it."""

    path: str
    kind: str  # V1, V2_SOURCE or V2_FROZEN
    version: str
    python_version: str  # major.minor of the Python that runs it
    python: str | None  # the interpreter of a script; None for the frozen binary
    package_folder: str | None = None  # where that Python finds this package
    package_version: str | None = None
    purelib: str | None = None
    installer: str = ""  # v2's distribution source: exe, source-exe, source, ...

    @property
    def frozen(self) -> bool:
        return self.kind == V2_FROZEN


def find_aws(named: str | None) -> str:
    if named is not None:
        if not os.path.isfile(named):
            raise SetupError(f"{named} is not a file")
        return named
    found = shutil.which("aws")
    if found is None:
        raise SetupError("there is no `aws` on PATH: name one with --aws PATH")
    return found


def _interpreter(script: str, head: bytes) -> str | None:
    """The Python that runs a script, from its first lines; None for a binary."""
    if head.startswith(b"\x7fELF"):
        return None
    if not head.startswith(b"#!"):
        raise SetupError(f"{script} is neither a script nor a program this command knows")
    lines = head.decode("utf-8", "replace").splitlines()
    words = shlex.split(lines[0][2:])
    # pip writes a shell trampoline when the interpreter's path is long or has spaces.
    if words == ["/bin/sh"] and len(lines) > 1 and lines[1].startswith("'''exec' "):
        words = shlex.split(lines[1][len("'''exec' ") :])
    if words and os.path.basename(words[0]) == "env" and len(words) > 1:
        words = [shutil.which(words[1]) or words[1]]
    if "pyenv" in head.decode("utf-8", "replace") and f"{os.sep}shims{os.sep}" in script:
        raise SetupError(
            f"{script} is a pyenv shim, not the AWS CLI itself: name the aws it runs, with "
            "--aws $(pyenv which aws)"
        )
    if not words or "python" not in os.path.basename(words[0]):
        raise SetupError(
            f"{script}: cannot tell which Python runs it: its first line is {lines[0]!r}"
        )
    return words[0]


def _start_of(text: str, length: int) -> str:
    """The start of what a program said, where the cause usually is, with the cut marked."""
    if len(text) <= length:
        return text
    return f"{text[:length]} [... {len(text) - length} more characters]"


def inspect_aws(path: str) -> AwsCli:
    """What ``path`` is: its version, its Python, and whether this package is there."""
    try:
        with open(path, "rb") as program:
            head = program.read(512)
    except OSError as error:
        raise SetupError(f"cannot read {path}: {error.strerror}") from None
    python = _interpreter(path, head)
    # Without the user's config: a plugin that fails to load must not hide the version.
    answer = _run([path, "--version"], {"AWS_CONFIG_FILE": os.devnull})
    found = _VERSION_LINE.search(answer.stdout + answer.stderr)
    if answer.returncode != 0 or found is None:
        said = _start_of((answer.stdout + answer.stderr).strip(), 300)
        raise SetupError(f"`{path} --version` did not say its version and Python: {said!r}")
    version, python_version = found["version"], found["python"]
    source = found["source"] or ""
    if version.startswith("1."):
        kind = V1
    elif python is None:
        kind = V2_FROZEN
    else:
        kind = V2_SOURCE
    facts = {} if python is None else _probe(python, path)
    return AwsCli(
        path,
        kind,
        version,
        python_version,
        python,
        package_folder=facts.get("package_folder"),
        package_version=facts.get("package_version"),
        purelib=facts.get("purelib"),
        installer=source,
    )


def _probe(python: str, path: str) -> dict[str, str | None]:
    """Where the Python of a script-installed ``aws`` finds this package, if it does."""
    # -I: not the current folder, nor PYTHONPATH: what the aws itself imports.
    probe = _run([python, "-I", "-c", _PROBE])
    if probe.returncode != 0:
        raise SetupError(
            f"cannot run {python}, the Python of {path}: {_start_of(probe.stderr.strip(), 300)}"
        )
    facts: dict[str, str | None] = json.loads(probe.stdout.strip().splitlines()[-1])
    return facts


def _run(argv: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # No timeout: under libfaketime a timed wait may never end.
    environment = None if env is None else {**os.environ, **env}
    try:
        return subprocess.run(argv, capture_output=True, text=True, check=False, env=environment)
    except OSError as error:
        raise SetupError(f"cannot run {argv[0]}: {error.strerror}") from None


def config_file() -> str:
    """The AWS config file, as the CLI finds it."""
    return os.path.expanduser(os.environ.get("AWS_CONFIG_FILE", "~/.aws/config"))


def default_target(cli: AwsCli) -> str:
    """A folder for the frozen binary's plugin, beside the AWS config, one per Python."""
    folder = os.path.dirname(os.path.abspath(config_file()))
    return os.path.join(folder, "libfaketimefs-botocore", f"python{cli.python_version}")


def plugin_settings(cli: AwsCli, target: str) -> dict[str, str]:
    """The ``[plugins]`` keys that load the plugin in this ``aws``, in the order to set them."""
    settings: dict[str, str] = {}
    if cli.frozen:
        settings[PLUGIN_PATH] = target
    elif cli.kind == V2_SOURCE:
        # v2 loads no plugin without a path; this package's own folder is already on it.
        settings[PLUGIN_PATH] = cli.package_folder or cli.purelib or ""
    settings[PLUGIN_NAME] = MODULE
    return settings


def configure_commands(aws: str, settings: dict[str, str]) -> list[list[str]]:
    return [[aws, "configure", "set", f"plugins.{key}", value] for key, value in settings.items()]


def pip_command(cli: AwsCli, target: str, package: str) -> list[str]:
    if cli.frozen:
        # Any Python's pip will do: the wheels are chosen for the bundled one.
        return [
            "python3",
            "-m",
            "pip",
            "install",
            "--target",
            target,
            "--python-version",
            cli.python_version,
            "--only-binary=:all:",
            "--no-deps",
            "--upgrade",
            package,
            "wrapt",
        ]
    return [cli.python or "python3", "-m", "pip", "install", package]


def current_plugins(path: str) -> dict[str, str]:
    """The ``[plugins]`` section of the AWS config as it is (empty when there is none)."""
    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read(path)
    except configparser.Error as error:
        raise SetupError(f"cannot parse the AWS config {path}: {error}") from None
    return dict(parser["plugins"]) if parser.has_section("plugins") else {}


def render(cli: AwsCli, target: str, package: str) -> str:
    config = config_file()
    settings = plugin_settings(cli, target)
    plugins = current_plugins(config)
    loaded = all(plugins.get(key) == value for key, value in settings.items())
    aws = cli.path
    lines = [f"aws:          {aws}"]
    if cli.frozen:
        lines.append(
            f"AWS CLI:      {cli.version}, a frozen binary with a Python {cli.python_version} "
            f"of its own ({_SOURCES.get(cli.installer, cli.installer or 'PyInstaller')})"
        )
    else:
        what = "from source" if cli.kind == V2_SOURCE else "v1"
        lines.append(
            f"AWS CLI:      {cli.version} ({what}), a Python program run by {cli.python} "
            f"(Python {cli.python_version})"
        )
        installed = (
            f"installed ({cli.package_version}) in {cli.package_folder}"
            if cli.package_folder
            else "not installed"
        )
        lines.append(f"this package: {installed}")
    lines.append(
        f"AWS config:   {config}: [plugins] "
        + ("loads this package" if loaded else "does not load this package")
    )
    lines.append("")
    configure = [shlex.join(argv) for argv in configure_commands(aws, settings)]
    if cli.frozen:
        lines += [
            "To sign with the real time in this AWS CLI:",
            f"1. Put this package and wrapt, for Python {cli.python_version}, in a folder:",
            f"   {shlex.join(pip_command(cli, target, package))}",
            "2. Load them as a plugin (this changes only the [plugins] section of the AWS config):",
            *(f"   {line}" for line in configure),
        ]
    else:
        lines.append("To sign with the real time in this AWS CLI:")
        if not cli.package_folder:
            lines += [
                "1. Install this package in its Python:",
                f"   {shlex.join(pip_command(cli, target, package))}",
            ]
        lines += [
            ("2. " if not cli.package_folder else "")
            + "Either, for every botocore program that Python runs (boto3 too):",
            f"   export {AUTOPATCH}=1",
            "   or, for this AWS CLI only (this changes only the [plugins] section of the AWS "
            "config):",
            *(f"   {line}" for line in configure),
        ]
    then = f"Then `{shlex.join([aws, CHECK_COMMAND])}` (with the plugin)"
    if not cli.frozen:
        check = [cli.python or "python3", "-m", "libfaketimefs_botocore", "check", "--awscli"]
        then += f" or `{shlex.join(check)}`"
    lines += [
        f"{then} shows the clocks it signs with and the reads it redirects.",
        "`libfaketimefs-botocore awscli --apply` sets the plugin lines once the package is there.",
    ]
    if cli.kind == V1 and PLUGIN_PATH in plugins:
        lines.append(
            f"Note: [plugins] sets {PLUGIN_PATH}, for the AWS CLI v2; v1 takes it for a "
            "plugin's module and fails to start."
        )
    return "\n".join(lines)


def _ready(cli: AwsCli, target: str, package: str) -> None:
    """Raises unless the plugin can be imported where the ``aws`` will look for it."""
    if cli.frozen:
        wanted = [Path(target, *MODULE.split(".")).with_suffix(".py"), Path(target, "wrapt")]
        if not all(path.exists() for path in wanted):
            raise SetupError(
                f"{target} does not hold this package and wrapt yet; run first: "
                f"{shlex.join(pip_command(cli, target, package))}"
            )
    elif not cli.package_folder:
        raise SetupError(
            f"this package is not installed in {cli.python}; run first: "
            f"{shlex.join(pip_command(cli, target, package))}"
        )


def apply(cli: AwsCli, target: str, package: str) -> int:
    """Set the plugin lines through the ``aws`` itself, then run its check."""
    _ready(cli, target, package)
    for argv in configure_commands(cli.path, plugin_settings(cli, target)):
        print(f"$ {shlex.join(argv)}", flush=True)
        result = _run(argv)
        if result.returncode != 0:
            raise SetupError(
                f"`{shlex.join(argv)}` failed: {_start_of(result.stderr.strip(), 300)}"
            )
    check = [cli.path, CHECK_COMMAND]
    print(f"$ {shlex.join(check)}", flush=True)
    result = _run(check)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    return result.returncode


def main(aws: str | None, target: str | None, package: str, apply_it: bool) -> int:
    try:
        cli = inspect_aws(find_aws(aws))
        folder = os.path.abspath(target) if target is not None else default_target(cli)
        print(render(cli, folder, package), flush=True)
        if apply_it:
            print()
            return apply(cli, folder, package)
    except SetupError as error:
        print(f"FAILED: {error}", file=sys.stderr, flush=True)
        return 1
    return 0
