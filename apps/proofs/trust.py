"""The trust list: the issuer's public keys as a JWKS (RFC 7517), each an RFC 8037 OKP
Ed25519 key with its `kid`. Pure: the offline verifier reads a saved copy.

Beyond the standard members each key says what it signs (`registry_purpose`: "proof"
for proofs, "proof-status" for status lists) and, once a newer key replaced it, when it
was retired (`retired_at`, seconds since the epoch). A retired key no longer signs; what
it signed before that moment stays valid until it expires. The set carries the issuer
(`issuer`, the `iss` of every proof) and when it was published (`iat`), so a verifier
can say how old its copy is.
"""

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

PROOF = "proof"
PROOF_STATUS = "proof-status"


class TrustListInvalid(ValueError):
    """The JWKS cannot be used; the message says which member is wrong."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class TrustedKey:
    kid: str
    public_key: Ed25519PublicKey
    purpose: str
    retired_at: int | None = None


@dataclass(frozen=True)
class TrustList:
    issuer: str
    keys: dict[bytes, TrustedKey]  # by COSE kid (the 8 raw bytes)
    published_at: int | None = None

    def key(self, kid: bytes, purpose: str) -> TrustedKey | None:
        key = self.keys.get(kid)
        return key if key is not None and key.purpose == purpose else None


def jwk(kid: str, public_key: bytes, purpose: str, retired_at: int | None) -> dict[str, Any]:
    """One RFC 8037 OKP key of the set."""
    entry: dict[str, Any] = {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": b64url(public_key),
        "kid": kid,
        "alg": "EdDSA",
        "use": "sig",
        "registry_purpose": purpose,
        "registry_status": "retired" if retired_at is not None else "active",
    }
    if retired_at is not None:
        entry["retired_at"] = retired_at
    return entry


def jwks(issuer: str, published_at: int, keys: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return {"issuer": issuer, "iat": published_at, "keys": list(keys)}


def from_jwks(document: Any) -> TrustList:
    """A TrustList from a parsed JWKS; TrustListInvalid names the first bad member.
    Keys of other types are skipped (a set may carry keys for other uses)."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise TrustListInvalid("not a JWKS: no 'keys' list")
    keys: dict[bytes, TrustedKey] = {}
    for position, entry in enumerate(document["keys"]):
        if not isinstance(entry, dict) or entry.get("kty") != "OKP":
            continue
        if entry.get("crv") != "Ed25519":
            continue
        try:
            kid = str(entry["kid"])
            raw = b64url_decode(str(entry["x"]))
            public_key = Ed25519PublicKey.from_public_bytes(raw)
            retired = entry.get("retired_at")
            keys[bytes.fromhex(kid)] = TrustedKey(
                kid=kid,
                public_key=public_key,
                purpose=str(entry.get("registry_purpose", PROOF)),
                retired_at=int(retired) if retired is not None else None,
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise TrustListInvalid(f"key {position}: {exc}") from exc
    published = document.get("iat")
    return TrustList(
        issuer=str(document.get("issuer", "")),
        keys=keys,
        published_at=int(published) if isinstance(published, int) else None,
    )
