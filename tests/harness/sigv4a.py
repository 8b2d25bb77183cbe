"""SigV4a verification: the ECDSA P-256 key that AWS derives from a secret key.

AWS derives the key pair with NIST SP 800-108 counter-mode HMAC-SHA256 over
the label "AWS4-ECDSA-P256-SHA256" and the access key id, retrying with the
next counter while the candidate is out of the curve's range.
"""

from __future__ import annotations

import hashlib
import hmac

from botocore.credentials import Credentials
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

_LABEL = b"AWS4-ECDSA-P256-SHA256"
_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def derive_private_key(credentials: Credentials) -> ec.EllipticCurvePrivateKey:
    key = b"AWS4A" + credentials.secret_key.encode()
    for counter in range(1, 255):
        fixed_input = (
            (1).to_bytes(4, "big")
            + _LABEL
            + b"\x00"
            + credentials.access_key.encode()
            + bytes([counter])
            + (256).to_bytes(4, "big")
        )
        candidate = int.from_bytes(hmac.new(key, fixed_input, hashlib.sha256).digest(), "big")
        if candidate <= _N - 2:
            return ec.derive_private_key(candidate + 1, ec.SECP256R1())
    raise ValueError("no SigV4a key for these credentials")


def verify_sigv4a(credentials: Credentials, string_to_sign: str, signature: bytes) -> bool:
    public_key = derive_private_key(credentials).public_key()
    try:
        public_key.verify(signature, string_to_sign.encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True
