"""Reading biometric data: decrypt and log in one step, so no read goes unrecorded.

The only module of the app that opens sealed templates or images. A read for a person
(a portrait for the card, both records side by side for an adjudication, a template
for a 1:1 check) writes its audit entry in the same transaction. The system's own
reads for a 1:N search are logged by `dedup.py` in the transaction that opens them
(one SEARCH entry on the probe's chain, and one on each candidate's chain).
"""

import base64
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from django.db import transaction
from django.utils.translation import gettext as _

from apps.audit import services as audit
from apps.audit.models import Action
from apps.audit.services import ActorLike
from apps.biometrics.models import Candidate, Enrolment
from apps.programs.loader import get_program
from apps.registrations.access import PersonErased, StatedPurpose, allowed_purpose
from apps.registrations.models import Person
from apps.vault import services as vault

FACE_LABEL = "biometrics.face"
PORTRAIT_LABEL = "biometrics.portrait"


def finger_label(position: int) -> str:
    return f"biometrics.finger.{position}"


def finger_image_label(position: int) -> str:
    return f"biometrics.finger-image.{position}"


def seal_bytes(person_id: Any, label: str, data: bytes) -> bytes:
    """Seal bytes under the person's key (base-64 inside the vault's JSON envelope)."""
    return vault.seal_json(person_id, label, base64.b64encode(data).decode("ascii"))


def _open_bytes(person_id: Any, label: str, sealed: bytes | memoryview | None) -> bytes:
    return base64.b64decode(vault.open_json(person_id, label, sealed))


def _legal_basis(person: Person, purpose: str) -> str:
    stated = get_program(person.program).purpose(purpose)
    return stated.legal_basis if stated else ""


def live_enrolment(person_id: Any) -> Enrolment | None:
    """The person's latest enrolment that was not removed."""
    return (
        Enrolment.objects.filter(person_id=person_id)
        .exclude(state=Enrolment.State.REMOVED)
        .order_by("-captured_at", "-id")
        .first()
    )


@transaction.atomic
def read_portrait(actor: ActorLike, person: Person, *, purpose: str) -> bytes | None:
    """The person's kept portrait (JPEG, the aligned face chip), logged as a read with
    `purpose` (audit READ "biometric_portrait"). None, and nothing logged, when no
    portrait is on file (the program keeps none, no capture yet, or the person was
    erased)."""
    enrolment = (
        Enrolment.objects.filter(person=person, portrait_sealed__isnull=False)
        .exclude(state=Enrolment.State.REMOVED)
        .order_by("-captured_at", "-id")
        .first()
    )
    if enrolment is None:
        return None
    try:
        portrait = _open_bytes(person.id, PORTRAIT_LABEL, enrolment.portrait_sealed)
    except vault.KeyDestroyed:
        return None
    audit.record(
        actor=actor,
        action=Action.READ,
        subject_id=person.id,
        object_type="biometric_portrait",
        object_id=str(enrolment.pk),
        purpose=purpose[:64],
        legal_basis=_legal_basis(person, purpose),
    )
    return portrait


@dataclass(frozen=True)
class Templates:
    """An enrolment's templates, opened: the face embedding (or None) and the ISO
    finger templates by position."""

    enrolment_id: int
    face: np.ndarray | None
    fingers: dict[int, bytes]
    finger_ids: dict[int, int]


def open_templates(enrolment: Enrolment, *, face: bool = True, fingers: bool = True) -> Templates:
    """Open an enrolment's templates for the system's search or index work. The caller
    logs the use in its own transaction (dedup.search logs SEARCH, the rebuild logs
    one UPDATE "biometric_index"); raises vault.KeyDestroyed for an erased person."""
    vector = None
    if face and enrolment.face_sealed is not None:
        raw = _open_bytes(enrolment.person_id, FACE_LABEL, enrolment.face_sealed)
        vector = np.frombuffer(raw, dtype=np.float32).copy()
    opened: dict[int, bytes] = {}
    ids: dict[int, int] = {}
    rows = enrolment.fingers.filter(template_sealed__isnull=False) if fingers else []
    for finger in rows:
        opened[finger.position] = _open_bytes(
            enrolment.person_id, finger_label(finger.position), finger.template_sealed
        )
        ids[finger.position] = finger.pk
    return Templates(enrolment.pk, vector, opened, ids)


def iter_index_items(*, face: bool = True, fingers: bool = True) -> Iterator[Templates]:
    """Every live enrolment's templates, for rebuilding the indexes (the rebuild logs
    one system entry for the whole run)."""
    live = Enrolment.objects.filter(state=Enrolment.State.SEARCHED).order_by("id")
    for enrolment in live.iterator(chunk_size=500):
        try:
            yield open_templates(enrolment, face=face, fingers=fingers)
        except vault.KeyDestroyed:
            continue


T = TypeVar("T")


@transaction.atomic
def verify_against_record(
    actor: ActorLike,
    person: Person,
    *,
    purpose: str,
    compare: Callable[[Templates], tuple[T, dict[str, Any]]],
) -> T | None:
    """Compare a live capture with the person's enrolled templates (1:1, at the
    counter). `compare` gets the opened templates and returns its result and the codes
    to log; the check is logged as SEARCH "biometric_verify" with `purpose`. None (and
    nothing logged) when the person has no live enrolment."""
    enrolment = live_enrolment(person.id)
    if enrolment is None:
        return None
    try:
        templates = open_templates(enrolment)
    except vault.KeyDestroyed:
        return None
    result, detail = compare(templates)
    audit.record(
        actor=actor,
        action=Action.SEARCH,
        subject_id=person.id,
        object_type="biometric_verify",
        object_id=str(enrolment.pk),
        purpose=purpose[:64],
        legal_basis=_legal_basis(person, purpose),
        detail=detail,
    )
    return result


@dataclass(frozen=True)
class Side:
    """One person's side of an adjudication: the case, the portrait (if kept) and the
    kept finger images by position (usually none: templates only)."""

    case_number: str
    portrait: bytes | None
    finger_images: dict[int, bytes]
    positions: list[int]
    exceptions: dict[int, str]


@transaction.atomic
def open_for_adjudication(
    actor: ActorLike, candidate: Candidate, purpose: StatedPurpose
) -> tuple[Side, Side]:
    """Both records of a candidate pair, side by side, for a stated purpose: logged as
    a READ "biometric_match" on each person's chain. FormInvalid (nothing read, nothing
    logged) for a purpose the program does not list or a missing reference; PersonErased
    when either person was erased (the pair can no longer be examined)."""
    for enrolment in (candidate.probe, candidate.match):
        allowed_purpose(enrolment.person, purpose)
    try:
        return (
            _side(actor, candidate.probe, candidate, purpose.code, purpose.reference),
            _side(actor, candidate.match, candidate, purpose.code, purpose.reference),
        )
    except vault.KeyDestroyed as exc:
        raise PersonErased(
            _("One of these records was erased; it can no longer be shown.")
        ) from exc


def _side(
    actor: ActorLike, enrolment: Enrolment, candidate: Candidate, purpose: str, reference: str
) -> Side:
    person = enrolment.person
    portrait = None
    if enrolment.portrait_sealed is not None:
        portrait = _open_bytes(person.id, PORTRAIT_LABEL, enrolment.portrait_sealed)
    images: dict[int, bytes] = {}
    fingers = list(enrolment.fingers.all())
    for finger in fingers:
        if finger.image_sealed is not None:
            images[finger.position] = _open_bytes(
                person.id, finger_image_label(finger.position), finger.image_sealed
            )
    audit.record(
        actor=actor,
        action=Action.READ,
        subject_id=person.id,
        object_type="biometric_match",
        object_id=str(candidate.pk),
        purpose=purpose[:64],
        legal_basis=_legal_basis(person, purpose),
        reference=reference[:200],
    )
    return Side(
        case_number=enrolment.registration.case_number or "",
        portrait=portrait,
        finger_images=images,
        positions=[f.position for f in fingers if f.template_sealed is not None],
        exceptions={f.position: f.exception for f in fingers if f.exception},
    )
