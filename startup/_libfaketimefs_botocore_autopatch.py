"""Interpreter start-up hook: patch botocore, or another AWS signer, when it is imported.

Loaded from ``libfaketimefs_botocore.pth`` only when
``LIBFAKETIMEFS_BOTOCORE_AUTOPATCH`` is set and not empty: ``1``, ``true``,
``yes`` or ``on`` (any case) turn it on; ``0``, ``false``, ``no``, ``off``
leave it off; anything else leaves it off with one line on stderr. At
start-up it imports nothing: it puts a finder first on ``sys.meta_path``
that, when one of the packages of
:data:`WATCHED` is imported, lets it be imported as usual and then calls
``patch_botocore()`` (importing wrapt and the library then, and not before),
and steps aside: the library's own post-import hooks take over. It must
never break start-up or an import: any error is reported on stderr in one
line and swallowed.
"""

import sys

_reported = False
_said = []

# The top-level packages that sign without importing botocore (botocore among
# them): the integrations' WATCHED, written here by `make generate` so that
# start-up reads no more than this file (tests/integrations/test_integrations.py checks it).
# --- generated: WATCHED ---
WATCHED = frozenset(
    {
        "botocore",
        "requests_aws4auth",
        "aws_requests_auth",
        "requests_auth_aws_sigv4",
        "httpx_auth",
        "aws_request_signer",
        "aws_sdk_signers",
        "smithy_core",
        "smithy_aws_core",
        "awscrt",
        "amazon_transcribe",
        "minio",
        "boto",
        "S3",
        "aioaws",
        "kafka",
        "snowflake",
        "obstore",
        "polars",
        "pyarrow",
        "duckdb",
    }
)
# --- end: WATCHED ---


def _report(error: BaseException) -> None:
    global _reported
    if not _reported:
        _reported = True
        sys.stderr.write(
            f"libfaketimefs-botocore: autopatch disabled: {type(error).__name__}: {error}\n"
        )


def _patch() -> None:
    _step_aside()
    try:
        # The submodule, not the package: when the program's first import is
        # libfaketimefs_botocore itself, botocore is imported while the
        # package is still initialising.
        from libfaketimefs_botocore.signing import patch_botocore

        patch_botocore()
    except Exception as error:  # noqa: BLE001 - must not break the importer
        _report(error)


class _PatchAfter:
    """A loader that runs the watched package's own, then patches."""

    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)
        _patch()

    def __getattr__(self, name):
        # Resource readers, get_data, is_package...: the package's own loader's.
        return getattr(self.loader, name)


class _Watch:
    """First on ``sys.meta_path``: a watched package's spec, with a loader that patches after.

    The spec is the one the finders after this one give, asked as the import system asks
    them: a finder is called holding the import system's global lock, and must not re-enter
    it (importlib.util.find_spec() there can wait for ever on a module another thread is
    importing)."""

    def find_spec(self, name, path=None, target=None):
        if name not in WATCHED:
            return None
        try:
            finders = list(sys.meta_path)
            start = next((i + 1 for i, f in enumerate(finders) if f is self), len(finders))
            spec = None
            for finder in finders[start:]:
                find = getattr(finder, "find_spec", None)
                if find is not None:
                    spec = find(name, path, target)
                    if spec is not None:
                        break
        except Exception as error:  # noqa: BLE001 - the import goes on without us
            _report(error)
            return None
        if spec is None or not hasattr(spec.loader, "exec_module"):
            return None
        spec.loader = _PatchAfter(spec.loader)
        return spec


_watch = _Watch()


def _step_aside():
    if _watch in sys.meta_path:
        sys.meta_path.remove(_watch)


VARIABLE = "LIBFAKETIMEFS_BOTOCORE_AUTOPATCH"
ON = ("1", "true", "yes", "on")
OFF = ("", "0", "false", "no", "off")


def setting(value):
    """(on, problem): whether ``value`` of the variable turns it on, and what is wrong with
    it, if anything (None). ``check`` says the same."""
    word = (value or "").strip().lower()
    if word in ON:
        return True, None
    if word in OFF:
        return False, None
    return False, (
        f"{VARIABLE}={value!r} is not understood: it stays off "
        f"(on: {', '.join(ON)}; off: {', '.join(OFF[1:])}, or empty)"
    )


def from_environment():
    """Install the finder if the variable says on; say on stderr what it does not understand."""
    try:
        import os

        on, problem = setting(os.environ.get(VARIABLE, ""))
        if problem is not None and not _said:
            # Once: site can read the .pth twice (a venv's site folder named twice).
            _said.append(problem)
            sys.stderr.write(f"libfaketimefs-botocore: {problem}\n")
        if on:
            install()
    except Exception as error:  # noqa: BLE001 - must not break start-up
        _report(error)


def install():
    try:
        if _watch not in sys.meta_path:
            sys.meta_path.insert(0, _watch)
    except Exception as error:  # noqa: BLE001 - must not break start-up
        _report(error)
