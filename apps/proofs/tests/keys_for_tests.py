"""Keys, trust lists and proofs made in memory, for the pure codec's tests (no
database): the issuer "registry.example.gov" with one proof key and one status key."""

import hashlib
import time
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from apps.proofs import credential, statuslist, trust

ISSUER = "registry.example.gov"
STATUS_URI = "https://registry.example.gov/proofs/status/12"
NOW = int(time.time())


def key_id_for(public_key: bytes) -> str:
    """As apps.vault.signing names keys (kept pure here: no Django needed)."""
    return hashlib.sha256(public_key).hexdigest()[:16]


def raw_public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@dataclass
class Issuer:
    proof_key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    status_key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)

    @property
    def kid(self) -> str:
        return key_id_for(raw_public(self.proof_key))

    @property
    def status_kid(self) -> str:
        return key_id_for(raw_public(self.status_key))

    def jwks(self) -> dict:
        return trust.jwks(
            ISSUER,
            NOW,
            [
                trust.jwk(self.kid, raw_public(self.proof_key), trust.PROOF, None),
                trust.jwk(self.status_kid, raw_public(self.status_key), trust.PROOF_STATUS, None),
            ],
        )

    def trust_list(self) -> trust.TrustList:
        return trust.from_jwks(self.jwks())

    def claims(self, **changes: object) -> credential.Claims:
        values: dict = {
            "issuer": ISSUER,
            "issued_at": NOW - 60,
            "not_before": NOW - 60,
            "expires_at": NOW + 5 * 365 * 86400,
            "token_id": bytes.fromhex("0011223344556677"),
            "registration_number": "US2025-ABCD-EFGHJ",
            "program": "us-2025",
            "status_uri": STATUS_URI,
            "status_index": 4242,
            "card": "7KQ29XHM4",
        }
        values.update(changes)
        return credential.Claims(**values)

    def proof(self, **changes: object) -> str:
        return credential.issue(
            self.proof_key, credential.kid_bytes(self.kid), self.claims(**changes)
        )

    def status_list(self, revoked: tuple[int, ...] = (), *, expires_in: int = 86400) -> bytes:
        statuses = bytearray(1 << 14)
        for index in revoked:
            statuslist.set_bit(statuses, index)
        return statuslist.sign_token(
            self.status_key,
            self.status_kid,
            uri=STATUS_URI,
            statuses=bytes(statuses),
            issued_at=NOW - 600,
            expires_at=NOW + expires_in,
            ttl=3600,
        )

    def views(self, revoked: tuple[int, ...] = ()) -> dict[str, statuslist.StatusListView]:
        view = statuslist.read_token(self.status_list(revoked), self.trust_list())
        return {view.uri: view}
