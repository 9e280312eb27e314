"""The issuer's keys: the JWKS that verifiers download, the trust list the online
verifier uses, and rotation (audited). Keys live in apps.vault.signing, wrapped by the
master key; this module never sees a private key except to hand it to a signer."""

from typing import Any
from urllib.parse import urlsplit

import segno
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core import checks
from django.db import transaction
from django.utils import timezone

from apps.audit import services as audit
from apps.audit.models import Action
from apps.audit.services import ActorLike
from apps.proofs import credential, trust
from apps.vault import signing
from apps.vault.models import SigningKey

PURPOSES = (trust.PROOF, trust.PROOF_STATUS)
QR_VERSION = 12  # without a face thumbnail (the issue's bound)


def issuer() -> str:
    """The `iss` of every proof: PROOF_ISSUER, or the site's host name (short, so the
    QR stays at version 12)."""
    return settings.PROOF_ISSUER or urlsplit(settings.SITE_URL).netloc


def check_qr_size(**_kwargs: object) -> list[checks.CheckMessage]:
    """System check: a proof of this deployment (largest index, list number and
    expiry) must fit a version-12 QR code at level M."""
    key = Ed25519PrivateKey.generate()
    claims = credential.Claims(
        issuer=issuer(),
        issued_at=2**32 - 1,
        not_before=2**32 - 1,
        expires_at=2**32 - 1,
        token_id=bytes(8),
        registration_number="X" * 17,
        program="us-2025",
        status_uri=settings.SITE_URL + "/proofs/status/9999",
        status_index=2**17 - 1,
        card="X" * 9,
    )
    version = int(segno.make(credential.issue(key, bytes(8), claims), error="m").version)
    if version > QR_VERSION:
        return [
            checks.Warning(
                f"A proof's QR code needs version {version}, more than {QR_VERSION}.",
                hint="Set REGISTRY_PROOF_ISSUER to a shorter name (at most 24 characters) "
                "or shorten SITE_URL.",
                id="proofs.W001",
            )
        ]
    return []


def _retired(key: SigningKey) -> int | None:
    return int(key.retired_at.timestamp()) if key.retired_at else None


def jwks() -> dict[str, Any]:
    """Every proof and status-list key, active first, retired ones marked."""
    for purpose in PURPOSES:
        signing.active_key(purpose)  # the first request creates the first keys
    entries = [
        trust.jwk(key.kid, bytes(key.public_key), purpose, _retired(key))
        for purpose in PURPOSES
        for key in signing.public_keys(purpose)
    ]
    return trust.jwks(issuer(), int(timezone.now().timestamp()), entries)


def trust_list() -> trust.TrustList:
    return trust.from_jwks(jwks())


@transaction.atomic
def rotate(actor: ActorLike, purposes: tuple[str, ...] = PURPOSES) -> list[SigningKey]:
    """Add a new signing key for each purpose; the old ones retire but stay listed, so
    what they signed stays valid until it expires. Logged on the system chain."""
    created = [signing.rotate(purpose) for purpose in purposes]
    audit.record_many(
        [
            audit.Event(
                actor=actor,
                action=Action.CREATE,
                subject_id=None,
                about={
                    "object_type": "signing_key",
                    "object_id": key.kid,
                    "detail": {"purpose": purpose},
                },
            )
            for purpose, key in zip(purposes, created, strict=True)
        ]
    )
    return created
