"""The proof of registration as bytes: a CWT (RFC 8392) in a COSE_Sign1 (RFC 9052),
signed with Ed25519, CBOR-encoded, then base45 (RFC 9285) behind the prefix "RG1:".

Pure: no Django, no database. The issuer (`apps.proofs.services`), the verifier page,
the offline CLI and the benchmark all use these functions. CBOR is `cbor2`'s and the
signature `cryptography`'s; nothing here encodes CBOR or computes a signature by hand.

    RG1:<base45( COSE_Sign1_Tagged(18) [ protected, {}, payload, signature ] )>

    protected = bstr .cbor {1: -8 (EdDSA), 4: kid (8 bytes)}
    payload   = bstr .cbor {1: iss, 6: iat, 5: nbf, 4: exp, 7: cti (8 bytes),
                            "rn": registration number, "pg": program,
                            "hb": holder binding, 65535: status}
    holder binding = {"card": card number} | {"face": JPEG thumbnail}
    status = {"status_list": {"idx": index, "uri": status list URI}}  (Token Status List)

No nationality, address or birthplace: a verifier learns that the proof is genuine,
valid and not revoked, and how to tell that it belongs to the person holding it.
"""

import os
from typing import Any, NamedTuple

import base45
import cbor2
import numpy as np
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

PREFIX = "RG1:"
COSE_SIGN1_TAG = 18
ALG_EDDSA = -8
HEADER_ALG = 1
HEADER_KID = 4
HEADER_TYP = 16
# CWT claim keys (RFC 8392 § 4, and the Token Status List draft for 65535).
ISS, SUB, EXP, NBF, IAT, CTI = 1, 2, 4, 5, 6, 7
STATUS = 65535
# Private claims (RFC 8392 § 3: a text-string claim name). Short names, not the
# private-use integers below -65536 (five bytes each), keep the QR at version 12.
REGISTRATION = "rn"
PROGRAM = "pg"
BINDING = "hb"


class Claims(NamedTuple):
    """What a proof says. `card` or `face` is the holder binding (exactly one). A
    NamedTuple, not a dataclass: verification builds one per check, and a tuple is
    built several times faster."""

    issuer: str
    issued_at: int
    not_before: int
    expires_at: int
    token_id: bytes
    registration_number: str
    program: str
    status_uri: str
    status_index: int
    card: str = ""
    face: bytes = b""

    def as_cbor_map(self) -> dict[int | str, Any]:
        binding: dict[str, Any] = {"face": self.face} if self.face else {"card": self.card}
        return {
            ISS: self.issuer,
            IAT: self.issued_at,
            NBF: self.not_before,
            EXP: self.expires_at,
            CTI: self.token_id,
            REGISTRATION: self.registration_number,
            PROGRAM: self.program,
            BINDING: binding,
            STATUS: {"status_list": {"idx": self.status_index, "uri": self.status_uri}},
        }


def new_token_id() -> bytes:
    return os.urandom(8)


def sig_structure(protected: bytes, payload: bytes) -> bytes:
    """The bytes an Ed25519 signature of a COSE_Sign1 covers (RFC 9052 § 4.4)."""
    return cbor2.dumps(["Signature1", protected, b"", payload])


def protected_header(kid: bytes, typ: str = "") -> bytes:
    header: dict[int, Any] = {HEADER_ALG: ALG_EDDSA, HEADER_KID: kid}
    if typ:
        header[HEADER_TYP] = typ
    return bytes(cbor2.dumps(header))


def sign_cose(
    key: Ed25519PrivateKey, kid: bytes, claims: dict[Any, Any], *, typ: str = ""
) -> bytes:
    """A tagged COSE_Sign1 over the CBOR of `claims`, kid in the protected header."""
    protected = protected_header(kid, typ)
    payload = bytes(cbor2.dumps(claims))
    signature = key.sign(sig_structure(protected, payload))
    return bytes(cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature])))


def encode_text(cose: bytes) -> str:
    """The QR text of a COSE message: prefix + base45."""
    return PREFIX + base45.b45encode(cose).decode("ascii")


def issue(key: Ed25519PrivateKey, kid: bytes, claims: Claims) -> str:
    """Sign `claims` and return the QR text."""
    return encode_text(sign_cose(key, kid, claims.as_cbor_map()))


def kid_bytes(kid: str) -> bytes:
    """The COSE kid (8 raw bytes) of a signing key id (16 hex digits, the JWK `kid`)."""
    return bytes.fromhex(kid)


# --- base45 decoding ------------------------------------------------------------------
# The `base45` package encodes (above) and is the reference for decoding; its decoder is
# a Python loop that costs a third of a signature check, so verification decodes with the
# vectorised equivalent below. tests/test_base45.py checks both agree on every input,
# including which inputs they refuse.

_ALPHABET = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
# A character outside the alphabet maps to 2**20, which makes its group exceed 0xFFFF:
# one comparison then catches both a bad character and a group out of range.
_VALUES = np.full(256, 1 << 20, dtype=np.uint32)
_VALUES[np.frombuffer(_ALPHABET, dtype=np.uint8)] = np.arange(45, dtype=np.uint32)
_WEIGHTS = np.array([1, 45, 45 * 45], dtype=np.uint32)


def b45decode(text: str) -> bytes:
    """Decode base45 (RFC 9285); ValueError on any character or group it forbids."""
    try:
        raw = text.encode("ascii")
    except UnicodeEncodeError as exc:
        raise ValueError("Invalid base45 string") from exc
    size = len(raw)
    rest = size % 3
    if rest == 1:
        raise ValueError("Invalid base45 string")
    whole = size - rest
    values = _VALUES[np.frombuffer(raw, dtype=np.uint8)]
    groups = values[:whole].reshape(-1, 3) @ _WEIGHTS
    if whole and groups.max() > 0xFFFF:
        raise ValueError("Invalid base45 string")
    out: bytes = groups.astype(">u2").tobytes()
    if rest:
        last = int(values[-2]) + int(values[-1]) * 45
        if last > 0xFF:
            raise ValueError("Invalid base45 string")
        out += bytes((last,))
    return out
