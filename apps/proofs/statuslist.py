"""IETF Token Status List (draft-ietf-oauth-status-list) in CWT form. Pure.

A list is a byte array with one bit per proof (0 valid, 1 revoked), packed from the
least significant bit, DEFLATE-compressed in the ZLIB format, inside a Status List
Token: a COSE_Sign1 (not CWT-tagged) with protected header typ
"application/statuslist+cwt" and the claims 2 (sub: the list's URI), 6 (iat),
4 (exp), 65534 (ttl, seconds a copy may be cached) and 65533 ({"bits": 1, "lst": ...}).
"""

import zlib
from dataclasses import dataclass
from typing import Any

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from apps.proofs import credential
from apps.proofs.trust import PROOF_STATUS, TrustList

TYP = "application/statuslist+cwt"
TTL = 65534
STATUS_LIST = 65533
VALID, INVALID = 0, 1
MAX_DECOMPRESSED = 16 * 1024 * 1024  # refuse a "zip bomb" list


class StatusListInvalid(ValueError):
    """A status list token that cannot be trusted; `reason` is a code."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def set_bit(statuses: bytearray, index: int, value: int = INVALID) -> None:
    mask = 1 << (index & 7)
    if value:
        statuses[index >> 3] |= mask
    else:
        statuses[index >> 3] &= ~mask & 0xFF


@dataclass(frozen=True)
class StatusListView:
    """A list's statuses as a verifier holds them, with when they were signed."""

    uri: str
    statuses: bytes
    issued_at: int
    expires_at: int | None
    ttl: int | None
    bits: int = 1

    def status(self, index: int) -> int | None:
        """The status at `index`, None when the list is shorter."""
        position = index * self.bits
        byte = position >> 3
        if index < 0 or byte >= len(self.statuses):
            return None
        return (self.statuses[byte] >> (position & 7)) & ((1 << self.bits) - 1)


def sign_token(
    key: Ed25519PrivateKey,
    kid: str,
    *,
    uri: str,
    statuses: bytes,
    issued_at: int,
    expires_at: int,
    ttl: int,
) -> bytes:
    claims: dict[int, Any] = {
        credential.SUB: uri,
        credential.IAT: issued_at,
        credential.EXP: expires_at,
        TTL: ttl,
        STATUS_LIST: {"bits": 1, "lst": zlib.compress(statuses, 9)},
    }
    return credential.sign_cose(key, credential.kid_bytes(kid), claims, typ=TYP)


def read_token(data: bytes, trust: TrustList) -> StatusListView:
    """Check a Status List Token's signature against `trust` and unpack it.
    Raises StatusListInvalid (reason codes: unreadable, unknown_key, signature, claims)."""
    try:
        message = cbor2.loads(data)
        if not (
            isinstance(message, cbor2.CBORTag)
            and message.tag == credential.COSE_SIGN1_TAG
            and isinstance(message.value, list)
            and len(message.value) == 4
        ):
            raise StatusListInvalid("unreadable")
        protected, _unprotected, payload, signature = message.value
        header = cbor2.loads(protected)
        if header.get(credential.HEADER_ALG) != credential.ALG_EDDSA:
            raise StatusListInvalid("unreadable")
        if header.get(credential.HEADER_TYP) != TYP:
            raise StatusListInvalid("unreadable")
        kid = header.get(credential.HEADER_KID)
    except StatusListInvalid:
        raise
    except Exception as exc:  # any decoding failure means "unreadable"
        raise StatusListInvalid("unreadable") from exc
    key = trust.key(kid, PROOF_STATUS) if isinstance(kid, bytes) else None
    if key is None:
        raise StatusListInvalid("unknown_key")
    try:
        key.public_key.verify(signature, credential.sig_structure(protected, payload))
    except (InvalidSignature, TypeError) as exc:
        raise StatusListInvalid("signature") from exc
    try:
        claims = cbor2.loads(payload)
        body = claims[STATUS_LIST]
        if body.get("bits") != 1:
            raise StatusListInvalid("claims")
        inflater = zlib.decompressobj()
        statuses = inflater.decompress(body["lst"], MAX_DECOMPRESSED)
        if inflater.unconsumed_tail:
            raise StatusListInvalid("claims")
        expires = claims.get(credential.EXP)
        ttl = claims.get(TTL)
        return StatusListView(
            uri=str(claims[credential.SUB]),
            statuses=statuses,
            issued_at=int(claims[credential.IAT]),
            expires_at=int(expires) if expires is not None else None,
            ttl=int(ttl) if ttl is not None else None,
        )
    except StatusListInvalid:
        raise
    except Exception as exc:  # a signed but malformed list is refused whole
        raise StatusListInvalid("claims") from exc
