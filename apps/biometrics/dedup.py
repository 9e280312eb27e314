"""De-duplication: the 1:N search of a new enrolment, and the people who decide.

A search never refuses anyone. Each enrolled person whose face is nearer than the
program's distance, or one of whose fingers scores at least the program's Bozorth3
threshold, becomes a Candidate. An officer opens both records for a stated purpose and
decides "same person" or "different people" with a reason; a supervisor (another
person) reviews every "same person" decision. Until then the case cannot be registered
(`registration_guard`, a casework DECISION_GUARD). A confirmed duplicate's enrolment is
taken out of the indexes (merged into the earlier record), and an officer then rejects
the case with the reason "duplicate-registration", like any other decision.
"""

from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import User
from apps.audit import services as audit
from apps.audit.models import Action, AuditEntry
from apps.audit.services import SYSTEM
from apps.biometrics import access, indexes
from apps.biometrics.hooks import remove_enrolments
from apps.biometrics.models import Candidate, Enrolment, Finger
from apps.programs.loader import get_program
from apps.vault import services as vault
from registry.errors import Conflict, FormInvalid, NotAllowed

SEARCH_PURPOSE = "duplicate-resolution"

SAME_REASONS = {
    "face-and-prints-agree": gettext_lazy("Face and fingerprints agree"),
    "documents-confirm": gettext_lazy("The identity documents show the same person"),
    "registrant-confirms": gettext_lazy("The registrant confirms the earlier registration"),
}
DIFFERENT_REASONS = {
    "prints-differ": gettext_lazy("The fingerprints differ"),
    "faces-differ": gettext_lazy("The faces differ"),
    "documents-differ": gettext_lazy("The identity documents show different people"),
    "relatives": gettext_lazy("Relatives (for example twins) who look alike"),
}
REVIEW_REASONS = {
    "confirmed": gettext_lazy("I examined both records and agree"),
    "evidence-insufficient": gettext_lazy("The evidence is not enough: decide again"),
}


def search(enrolment_id: int) -> list[Candidate]:
    """Search one enrolment against every enrolled person, record the candidates, log
    the search, and after commit add the enrolment to both indexes. Idempotent: an
    enrolment already searched returns its candidates again."""
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update().select_related("person").get(pk=enrolment_id)
        )
        if enrolment.state != Enrolment.State.SEARCHING:
            return list(enrolment.candidates.all())
        try:
            probe = access.open_templates(enrolment)
        except vault.KeyDestroyed:
            return []
        policy = get_program(enrolment.program).biometrics
        hits: dict[int, dict[str, Any]] = defaultdict(lambda: {"face": None, "fingers": []})
        if probe.face is not None:
            for other, distance in indexes.search_face(probe.face, policy.candidates):
                if distance <= policy.face_match_distance:
                    hits[other]["face"] = distance
        for position, template in probe.fingers.items():
            scored = dict(indexes.search_fingers(template, policy.candidates))
            strong = {i: score for i, score in scored.items() if score >= policy.finger_match_score}
            for finger in Finger.objects.filter(pk__in=list(strong)):
                hits[finger.enrolment_id]["fingers"].append(
                    [position, finger.position, strong[finger.pk]]
                )
        found = _record_candidates(enrolment, hits)
        audit.record(
            actor=SYSTEM,
            action=Action.SEARCH,
            subject_id=enrolment.person_id,
            object_type="biometric_search",
            object_id=str(enrolment.pk),
            purpose=SEARCH_PURPOSE,
            legal_basis=_legal_basis(enrolment.program),
            detail={
                "face": probe.face is not None,
                "fingers": len(probe.fingers),
                "candidates": len(found),
            },
        )
        enrolment.state = Enrolment.State.SEARCHED
        enrolment.searched_at = timezone.now()
        enrolment.save(update_fields=["state", "searched_at"])
        face = None if probe.face is None else (enrolment.pk, probe.face)
        fingers = {probe.finger_ids[p]: t for p, t in probe.fingers.items()}
        transaction.on_commit(lambda: indexes.add(face, fingers))
        return found


def _record_candidates(enrolment: Enrolment, hits: dict[int, dict[str, Any]]) -> list[Candidate]:
    others = Enrolment.objects.filter(pk__in=list(hits), state=Enrolment.State.SEARCHED).exclude(
        person_id=enrolment.person_id
    )
    found = []
    for other in others.order_by("pk"):
        hit = hits[other.pk]
        candidate, _created = Candidate.objects.get_or_create(
            probe=enrolment,
            match=other,
            defaults={
                "face_distance": hit["face"],
                "finger_scores": sorted(hit["fingers"], key=lambda row: -row[2]),
            },
        )
        # The person found is told too: their record was matched by a search.
        audit.record(
            actor=SYSTEM,
            action=Action.SEARCH,
            subject_id=other.person_id,
            object_type="biometric_search",
            object_id=str(candidate.pk),
            purpose=SEARCH_PURPOSE,
            legal_basis=_legal_basis(other.program),
            detail={"role": "candidate"},
        )
        found.append(candidate)
    return found


def _legal_basis(program: str) -> str:
    stated = get_program(program).purpose(SEARCH_PURPOSE)
    return stated.legal_basis if stated else ""


def _opened_by(actor: User, candidate: Candidate) -> bool:
    return AuditEntry.objects.filter(
        actor_id=actor.pk,
        action=Action.READ,
        object_type="biometric_match",
        object_id=str(candidate.pk),
    ).exists()


def _check_reason(reason: str, allowed: dict[str, Any]) -> None:
    if reason not in allowed:
        raise FormInvalid(
            _("Give one of these reasons: %(codes)s.") % {"codes": ", ".join(allowed)},
            fields={"reason": [_("A reason is required.")]},
        )


@transaction.atomic
def decide(actor: User, candidate: Candidate, *, same_person: bool, reason: str) -> Candidate:
    """An officer's decision on an open candidate. "Same person" waits for a
    supervisor's review; "different people" releases the cases at once.

    FormInvalid for a reason that does not fit the decision; Conflict when the
    candidate is not open or the officer has not opened both records yet."""
    _check_reason(reason, SAME_REASONS if same_person else DIFFERENT_REASONS)
    locked = Candidate.objects.select_for_update().select_related("probe").get(pk=candidate.pk)
    if locked.state != Candidate.State.OPEN:
        raise Conflict(_("This candidate was already decided (%(state)s).") % {
            "state": locked.get_state_display()
        })  # fmt: skip
    if not _opened_by(actor, locked):
        raise Conflict(_("Open both records (state your purpose) before deciding."))
    locked.state = Candidate.State.SAME_PENDING_REVIEW if same_person else Candidate.State.DIFFERENT
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_reason = reason
    locked.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
    audit.record(
        actor=actor,
        action=Action.DECIDE,
        subject_id=locked.probe.person_id,
        object_type="biometric_match",
        object_id=str(locked.pk),
        detail={"outcome": "same_person" if same_person else "different_people", "reason": reason},
    )
    return locked


@transaction.atomic
def review(actor: User, candidate: Candidate, *, confirm: bool, reason: str) -> Candidate:
    """A supervisor's review of a "same person" decision made by someone else.
    Confirmed: the new enrolment is merged away (its templates leave the indexes) and
    the case waits for an officer to reject it as a duplicate. Not confirmed: the
    candidate goes back to the queue for a new decision.

    NotAllowed for a review of one's own decision; Conflict when nothing waits for a
    review or the supervisor has not opened both records."""
    _check_reason(reason, REVIEW_REASONS)
    if confirm != (reason == "confirmed"):
        raise FormInvalid(
            _("Confirm with the reason 'confirmed'; send back with 'evidence-insufficient'."),
            fields={"reason": [_("This reason does not fit the outcome.")]},
        )
    locked = Candidate.objects.select_for_update().select_related("probe").get(pk=candidate.pk)
    if locked.state != Candidate.State.SAME_PENDING_REVIEW:
        raise Conflict(_("No 'same person' decision waits for a review here."))
    if locked.decided_by_id == actor.pk:
        raise NotAllowed(_("Another supervisor reviews your own decision."))
    if not _opened_by(actor, locked):
        raise Conflict(_("Open both records (state your purpose) before reviewing."))
    if confirm:
        locked.state = Candidate.State.SAME_CONFIRMED
        remove_enrolments([locked.probe_id], because="duplicate")
    else:
        locked.state = Candidate.State.OPEN
        locked.decided_by = None
        locked.decided_at = None
        locked.decision_reason = ""
    locked.reviewed_by = actor
    locked.reviewed_at = timezone.now()
    locked.review_reason = reason
    locked.save()
    audit.record(
        actor=actor,
        action=Action.DECIDE,
        subject_id=locked.probe.person_id,
        object_type="biometric_review",
        object_id=str(locked.pk),
        detail={"outcome": "confirmed" if confirm else "returned", "reason": reason},
    )
    return locked
