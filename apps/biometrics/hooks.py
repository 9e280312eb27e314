"""What the biometrics app plugs into registrations (see AppConfig.ready): a decision
guard, so that no case with an unresolved duplicate candidate is registered, and an
erasure hook, so that an erased person's templates leave every index. Kept free of the
image libraries, so that loading Django does not load them."""

import uuid

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.biometrics.models import Candidate, Enrolment, Finger
from apps.registrations.models import Registration
from apps.registrations.reasons import Decision
from registry.errors import Conflict


def registration_guard(registration: Registration, decision: Decision) -> None:
    """casework DECISION_GUARD: a case is registered only after its duplicate search
    ran and every candidate it is part of was resolved by people; a case found to be a
    duplicate is rejected, never registered. Other decisions pass."""
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
