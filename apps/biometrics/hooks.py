"""What the biometrics app plugs into registrations (see AppConfig.ready): a decision
guard, so that no case with an unresolved duplicate candidate is registered, and an
erasure hook, so that an erased person's templates leave every index. Kept free of the
image libraries, so that loading Django does not load them."""

import uuid
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.biometrics.models import Candidate, Enrolment, Finger
from apps.registrations.models import Person, Registration
from apps.registrations.reasons import Decision
from registry.errors import Conflict

DUPLICATE_REASON = "duplicate-registration"


def registration_guard(registration: Registration, decision: Decision, reason_code: str) -> None:
    """casework DECISION_GUARD: a case is registered only after its duplicate search
    ran and every candidate it is part of was resolved by people; a case found to be a
    duplicate is rejected, never registered; and only such a case is rejected as a
    duplicate (the reason says an officer and a supervisor found it). Other decisions
    pass."""
    if decision is Decision.REJECT and reason_code == DUPLICATE_REASON:
        if not Candidate.objects.filter(
            probe__registration=registration, state=Candidate.State.SAME_CONFIRMED
        ).exists():
            raise Conflict(
                _(
                    "Only a case whose photo or fingerprints an officer and a supervisor "
                    "found to be those of someone already registered can be rejected as a "
                    "duplicate registration."
                )
            )
        return
    if decision is not Decision.REGISTER:
        return
    if Enrolment.objects.filter(
        registration=registration, state=Enrolment.State.SEARCHING
    ).exists():
        raise Conflict(
            _("The duplicate search of this case's biometrics has not finished; try again soon.")
        )
    pairs = Candidate.objects.filter(
        Q(probe__registration=registration) | Q(match__registration=registration)
    )
    if pairs.filter(
        probe__registration=registration, state=Candidate.State.SAME_CONFIRMED
    ).exists():
        raise Conflict(
            _(
                "An officer and a supervisor found this person already registered: reject the "
                "case with the reason duplicate-registration instead."
            )
        )
    erased = Q(probe__removed_because="erased") | Q(match__removed_because="erased")
    if pairs.filter(state__in=Candidate.UNRESOLVED).exclude(erased).exists():
        raise Conflict(
            _(
                "This case has a possible duplicate that people have not resolved yet: an "
                "officer decides it in the adjudication queue (and a supervisor reviews a "
                "'same person' decision) before the case can be registered."
            )
        )


def forget_person(person_id: uuid.UUID) -> None:
    """Erasure hook (registrations.access.ERASURE_HOOKS): the person's enrolments lose
    their sealed templates and images, and their entries leave both indexes when the
    erasure commits."""
    enrolments = list(Enrolment.objects.filter(person_id=person_id).values_list("pk", flat=True))
    if enrolments:
        remove_enrolments(enrolments, because="erased")


def remove_enrolments(enrolment_ids: list[int], *, because: str) -> None:
    """Delete the templates and images of these enrolments and, after commit, their
    index entries (an erased person, a duplicate merged into the earlier record)."""
    finger_ids = list(
        Finger.objects.filter(enrolment_id__in=enrolment_ids).values_list("pk", flat=True)
    )
    Enrolment.objects.filter(pk__in=enrolment_ids).update(
        state=Enrolment.State.REMOVED,
        removed_at=timezone.now(),
        removed_because=because,
        face_sealed=None,
        portrait_sealed=None,
    )
    Finger.objects.filter(pk__in=finger_ids).update(template_sealed=None, image_sealed=None)
    transaction.on_commit(lambda: _remove_from_indexes(enrolment_ids, finger_ids))


def _remove_from_indexes(enrolment_ids: list[int], finger_ids: list[int]) -> None:
    from apps.biometrics import indexes

    indexes.remove(enrolment_ids, finger_ids)


def subject_access_section(user: Any, person: Person) -> list[dict[str, Any]]:
    """What a subject-access export says about the person's biometrics: when and for
    which case they were captured, which fingers (or why not), quality, and what became
    of any duplicate check. Never templates or images: those are the person's own
    biometrics in a form only a matcher reads, and the kept photo is on their card."""
    enrolments = (
        Enrolment.objects.filter(person=person)
        .select_related("registration")
        .prefetch_related("fingers", "candidates", "matched_by")
        .order_by("captured_at")
    )
    return [
        {
            "case_number": e.registration.case_number,
            "captured_at": e.captured_at.isoformat(),
            "state": e.state,
            "removed_at": e.removed_at.isoformat() if e.removed_at else None,
            "photo_kept": e.portrait_sealed is not None,
            "face_quality": e.face_quality,
            "fingers": [
                {
                    "position": f.position,
                    "exception": f.exception or None,
                    "nfiq2": f.nfiq2,
                    "minutiae": f.minutiae,
                }
                for f in e.fingers.all()
            ],
            "duplicate_checks": [
                {
                    "state": c.state,
                    "decided_at": c.decided_at.isoformat() if c.decided_at else None,
                    "reason": c.decision_reason or None,
                    "reviewed_at": c.reviewed_at.isoformat() if c.reviewed_at else None,
                }
                for c in [*e.candidates.all(), *e.matched_by.all()]
            ],
        }
        for e in enrolments
    ]
