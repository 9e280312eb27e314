"""Ed25519 signing keys per purpose ("proof", "audit-head", "receipt", ...).

One active key per purpose signs; `rotate` adds a new one and retires the old, which
stays listed (with `retired_at`) so that what it signed still verifies. Private keys
exist in the clear only in memory, for one signature: at rest they are wrapped by the
master key with the key id and purpose bound in as associated data.
"""

import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.vault.keyprovider import key_provider
from apps.vault.models import SigningKey

_RAW = serialization.Encoding.Raw
_RAW_PUBLIC = serialization.PublicFormat.Raw
_RAW_PRIVATE = serialization.PrivateFormat.Raw


@dataclass(frozen=True)
class Signature:
    kid: str
    signature: bytes


def _context(purpose: str, kid: str) -> bytes:
    return b"registry-signing-key\x00" + purpose.encode() + b"\x00" + kid.encode()


def key_id_for(public_key: bytes) -> str:
    """A short, stable key id: the first 16 hex digits of SHA-256 of the raw public key."""
    return hashlib.sha256(public_key).hexdigest()[:16]


@transaction.atomic
def rotate(purpose: str) -> SigningKey:
    """Create a new active key for `purpose` and retire the current one (if any)."""
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(_RAW, _RAW_PUBLIC)
    kid = key_id_for(public)
    provider = key_provider()
    raw_private = private.private_bytes(_RAW, _RAW_PRIVATE, serialization.NoEncryption())
    SigningKey.objects.select_for_update().filter(purpose=purpose, retired_at__isnull=True).update(
        retired_at=timezone.now()
    )
    return SigningKey.objects.create(
        kid=kid,
        purpose=purpose,
        public_key=public,
        wrapped_private_key=provider.wrap(raw_private, _context(purpose, kid)),
        master_key_id=provider.key_id,
    )


def active_key(purpose: str) -> SigningKey:
    """The key that signs for `purpose` now; the first one is created on first use."""
    key = SigningKey.objects.filter(purpose=purpose, retired_at__isnull=True).first()
    return key if key is not None else rotate(purpose)


def private_key(key: SigningKey) -> Ed25519PrivateKey:
    raw = key_provider().unwrap(bytes(key.wrapped_private_key), _context(key.purpose, key.kid))
    return Ed25519PrivateKey.from_private_bytes(raw)


def sign(purpose: str, message: bytes) -> Signature:
    key = active_key(purpose)
    return Signature(kid=key.kid, signature=private_key(key).sign(message))


def public_keys(purpose: str) -> list[SigningKey]:
    """Every key of `purpose`, active first, then retired ones newest first."""
    newest_retired_first = F("retired_at").desc(nulls_first=True)
    return list(SigningKey.objects.filter(purpose=purpose).order_by(newest_retired_first))


def verify(purpose: str, kid: str, message: bytes, signature: bytes) -> bool:
    """True when `signature` over `message` was made by key `kid` of `purpose`."""
    key = SigningKey.objects.filter(purpose=purpose, kid=kid).first()
    if key is None:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(bytes(key.public_key)).verify(signature, message)
    except InvalidSignature:
        return False
    return True
