"""Issuing, re-issuing and revoking proofs of registration: the only code that writes
proofs. Every function runs in one transaction with its audit entry (CREATE "proof"
on issue, UPDATE "proof" on revocation; codes only, never personal data).

A registered case has at most one current proof. It is issued at the first request
(by the registrant, an officer or `manage.py proof export`) and re-issued when it
expired, when the program binds a QR thumbnail and the portrait changed, or on an
officer's request. Revocation sets the proof's bit in its status list, so an offline
verifier learns it with its next copy of the list.
"""

import calendar
import datetime as dt
import secrets
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit import services as audit
from apps.audit.models import Action
from apps.audit.services import ActorLike
from apps.programs.loader import get_program
from apps.programs.schema import ProofPolicy
from apps.proofs import credential, keys, lists, photos
from apps.proofs.models import Proof
from apps.proofs.trust import PROOF
from apps.registrations.access import SELF_ACCESS
from apps.registrations.case_numbers import ALPHABET
from apps.registrations.models import CaseState, Registration
from apps.vault import signing
from apps.vault.models import SigningKey
from registry.errors import Conflict


class NoProof(Conflict):
    code = "no_proof"


@dataclass(frozen=True)
class IssuedProof:
    proof: Proof
    text: str  # the QR text
    thumbnail: bytes | None


def add_months(day: dt.datetime, months: int) -> dt.datetime:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def policy_for(registration: Registration) -> ProofPolicy:
    return get_program(registration.program).proof


def new_card_number() -> str:
    """Nine Crockford base-32 characters, printed as XXXX-XXXXX."""
    return "".join(secrets.choice(ALPHABET) for _ in range(9))


def card_number_display(card: str) -> str:
    return f"{card[:4]}-{card[4:]}" if len(card) == 9 else card


def _claims(proof: Proof, thumbnail: bytes | None) -> credential.Claims:
    registration = proof.registration
    return credential.Claims(
        issuer=proof.issuer,
        issued_at=int(proof.issued_at.timestamp()),
        not_before=int(proof.issued_at.timestamp()),
        expires_at=int(proof.expires_at.timestamp()),
        token_id=bytes.fromhex(proof.token_id),
        registration_number=str(registration.case_number),
        program=registration.program,
        status_uri=lists.uri_for(proof.status_list_id),
        status_index=proof.status_index,
        card="" if thumbnail else proof.card_number,
        face=thumbnail or b"",
    )


def render(proof: Proof, thumbnail: bytes | None) -> str:
    """The proof's QR text. Ed25519 signatures are deterministic, so the same proof
    always gives the same text, with the key that first signed it (even if retired)."""
    key = SigningKey.objects.get(purpose=PROOF, kid=proof.kid)
    return credential.issue(
        signing.private_key(key), credential.kid_bytes(key.kid), _claims(proof, thumbnail)
    )


def _expiry(registration: Registration, issued: dt.datetime) -> dt.datetime:
    expires = add_months(issued, policy_for(registration).validity_months)
    due = registration.person.reregistration_due_on
    if due is not None:
        # A child's proof ends with their re-registration period: at 14 they register
        # in their own name and get their own proof.
        days = get_program(registration.program).eligibility.child_reregister_days
        end = dt.datetime.combine(due, dt.time(), tzinfo=dt.UTC) + dt.timedelta(days=days)
        expires = min(expires, max(end, issued + dt.timedelta(days=1)))
    return expires


def _issue(actor: ActorLike, registration: Registration, thumbnail: bytes | None) -> IssuedProof:
    status_list, index = lists.allocate()
    key = signing.active_key(PROOF)
    issued = timezone.now().replace(microsecond=0)
    proof = Proof.objects.create(
        registration=registration,
        person_id=registration.person_id,
        token_id=credential.new_token_id().hex(),
        card_number=new_card_number(),
        binding=policy_for(registration).holder_binding,
        thumbnail_digest=photos.digest(thumbnail),
        kid=key.kid,
        issuer=keys.issuer(),
        status_list=status_list,
        status_index=index,
        issued_at=issued,
        expires_at=_expiry(registration, issued),
    )
    audit.record(
        actor=actor,
        action=Action.CREATE,
        subject_id=registration.person_id,
        object_type="proof",
        object_id=proof.token_id,
        detail={"binding": proof.binding, "thumbnail": bool(thumbnail), "kid": key.kid},
    )
    return IssuedProof(proof=proof, text=render(proof, thumbnail), thumbnail=thumbnail)


def _revoke(actor: ActorLike, proof: Proof, reason: str) -> None:
    lists.set_revoked(proof.status_list_id, proof.status_index)
    proof.revoked_at = timezone.now()
    proof.revoked_reason = reason[:32]
    proof.save(update_fields=["revoked_at", "revoked_reason"])
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        subject_id=proof.person_id,
        object_type="proof",
        object_id=proof.token_id,
        detail={"revoked": reason[:32]},
    )


def _require_registered(registration: Registration) -> Registration:
    locked = (
        Registration.objects.select_for_update().select_related("person").get(pk=registration.pk)
    )
    if locked.state != CaseState.REGISTERED:
        raise NoProof(
            _("Only a registered case has a proof of registration; this case is %(state)s.")
            % {"state": locked.get_state_display()}
        )
    return locked


def live_proof(registration: Registration) -> Proof | None:
    """The case's proof that is neither revoked nor expired, if any."""
    return (
        Proof.objects.filter(
            registration=registration, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("registration")
        .order_by("-issued_at")
        .first()
    )


def _thumbnail(actor: ActorLike, registration: Registration, purpose: str) -> bytes | None:
    if policy_for(registration).holder_binding != Proof.Binding.QR_THUMBNAIL:
        return None
    portrait = photos.read_portrait(actor, registration.person, purpose=purpose)
    return photos.thumbnail(portrait) if portrait else None


@transaction.atomic
def current_proof(
    actor: ActorLike, registration: Registration, *, purpose: str = SELF_ACCESS
) -> IssuedProof:
    """The case's current proof, issued now when it has none that is valid (or the
    portrait inside its QR changed: the old one is then revoked). `purpose` is logged
    with the portrait read. Raises NoProof unless the case is registered."""
    locked = _require_registered(registration)
    thumbnail = _thumbnail(actor, locked, purpose)
    proof = live_proof(locked)
    if proof is not None and proof.thumbnail_digest == photos.digest(thumbnail):
        return IssuedProof(proof=proof, text=render(proof, thumbnail), thumbnail=thumbnail)
    if proof is not None:
        _revoke(actor, proof, "photo_changed")
    return _issue(actor, locked, thumbnail)


@transaction.atomic
def reissue(
    actor: ActorLike, registration: Registration, *, purpose: str, reason: str = "reissued"
) -> IssuedProof:
    """Revoke the case's current proof (if any) and issue a new one, e.g. after a lost
    card. Raises NoProof unless the case is registered."""
    locked = _require_registered(registration)
    for proof in Proof.objects.filter(registration=locked, revoked_at__isnull=True):
        _revoke(actor, proof, reason)
    return _issue(actor, locked, _thumbnail(actor, locked, purpose))


@transaction.atomic
def revoke_all(
    actor: ActorLike,
    *,
    reason: str,
    registration: Registration | None = None,
    person_id: uuid.UUID | None = None,
    exclude: Registration | None = None,
) -> int:
    """Revoke every unrevoked proof of a case or of a person (except those of
    `exclude`); returns how many. Idempotent."""
    if registration is None and person_id is None:
        raise ValueError("revoke_all needs a registration or a person")
    proofs = Proof.objects.filter(revoked_at__isnull=True)
    if registration is not None:
        proofs = proofs.filter(registration=registration)
    if person_id is not None:
        proofs = proofs.filter(person_id=person_id)
    if exclude is not None:
        proofs = proofs.exclude(registration=exclude)
    revoked = 0
    for proof in proofs.select_for_update():
        _revoke(actor, proof, reason)
        revoked += 1
    return revoked
