"""The parts of the TLS check for truststore and pyOpenSSL that need no faked process.

That a pyOpenSSL connection is judged by the time set is shown end to end
(tests/end_to_end/test_tls_stacks.py): its bindings have no getter for it.
"""

from __future__ import annotations

import ssl
import subprocess
import sys

import pytest

from libfaketimefs_botocore.tls import openssl, pyopenssl


def test_the_standard_context_type_is_ssls_own() -> None:
    assert openssl.standard_context_type() is ssl.SSLContext


def test_under_truststore_the_standard_context_type_is_still_found() -> None:
    pytest.importorskip("truststore")
    code = (
        "import ssl, truststore\n"
        "original = ssl.SSLContext\n"
        "truststore.inject_into_ssl()\n"
        "from libfaketimefs_botocore.tls import openssl\n"
        "assert ssl.SSLContext is not original\n"
        "assert openssl.standard_context_type() is original\n"
        "openssl.open_verify_time()  # its probe, through the standard class\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout == "ok\n", done.stderr


def test_pyopenssl_is_reached_here() -> None:
    pytest.importorskip("OpenSSL")
    assert pyopenssl.unavailable() is None


def test_a_connection_pyopenssl_did_not_make_is_unavailable_not_a_crash() -> None:
    pytest.importorskip("OpenSSL")
    with pytest.raises(openssl.Unavailable, match="pyOpenSSL's bindings: AttributeError"):
        pyopenssl.set_time(object(), 0)
