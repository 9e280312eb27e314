"""What other apps' events do to proofs (registered in ProofsConfig.ready()): a case
that leaves "registered" loses its proof, a new registration of the same person (a
child re-registering at 14, a renewal) replaces the older case's proof, a move
revokes the current proof (a new one is issued at the next request), and an erased
person's proofs are revoked and deleted."""

import uuid
from typing import Any

from apps.audit.services import SYSTEM, ActorLike
from apps.proofs import services
from apps.proofs.models import Proof
from apps.registrations.models import CaseState, Person, Registration


def on_transition(
    actor: ActorLike, registration: Registration, from_state: str, to_state: str
) -> None:
    if from_state == CaseState.REGISTERED and to_state != CaseState.REGISTERED:
        services.revoke_all(actor, registration=registration, reason=f"case_{to_state}")
    elif to_state == CaseState.REGISTERED:
        services.revoke_all(
            actor, person_id=registration.person_id, exclude=registration, reason="superseded"
        )


def on_address_change(actor: ActorLike, person: Person) -> None:
    services.revoke_all(actor, person_id=person.id, reason="address_change")


def on_erasure(person_id: uuid.UUID) -> None:
    services.revoke_all(SYSTEM, person_id=person_id, reason="erased")
    Proof.objects.filter(person_id=person_id).delete()


def subject_access_section(user: Any, person: Person) -> list[dict[str, Any]]:
    """The proofs issued to the person, current and revoked (no QR text: it is theirs
    to download from their case page)."""
    return [
        {
            "case_number": proof.registration.case_number,
            "card_number": proof.card_number,
            "issued_at": proof.issued_at.isoformat(),
            "expires_at": proof.expires_at.isoformat(),
            "revoked_at": proof.revoked_at.isoformat() if proof.revoked_at else None,
            "revoked_reason": proof.revoked_reason or None,
            "signing_key": proof.kid,
        }
        for proof in Proof.objects.filter(person=person)
        .select_related("registration")
        .order_by("issued_at")
    ]
